/// The sizes of a network and its training data, in the notebook's words.
public struct NetworkShape: Sendable, Hashable {
    public let samples: Int
    public let inputs: Int
    /// 0 for the notebook's 2-layer net (one weight matrix, inputs → outputs).
    public let hidden: Int
    public let outputs: Int

    public init(samples: Int, inputs: Int, hidden: Int, outputs: Int) {
        self.samples = samples
        self.inputs = inputs
        self.hidden = hidden
        self.outputs = outputs
    }

    /// The units synapse_0 feeds: the hidden layer, or the outputs when there is none.
    public var firstLayerUnits: Int { hidden == 0 ? outputs : hidden }

    /// (rows, columns) of synapse_0 and, with a hidden layer, synapse_1.
    public var synapseShapes: [(rows: Int, columns: Int)] {
        hidden == 0 ? [(inputs, outputs)] : [(inputs, hidden), (hidden, outputs)]
    }
}
