/// A request body read as JSON (RFC 8259, strictly: see `JSONParser`), with what a plain value
/// cannot say: the pointers of members given more than once.
public struct JSONDocument: Sendable, Equatable {
    public var root: JSONValue
    /// `/alphas`, `/dataset/inputs`…: each member that appeared twice or more in its object, in
    /// the order found. `root` holds the last value given, as JavaScript's `JSON.parse` does.
    public var duplicateMembers: [String]

    /// Throws where the text stops being JSON (line, column and why).
    public init(parsing bytes: [UInt8]) throws(JSONSyntaxError) {
        (root, duplicateMembers) = try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in
            var parser = JSONParser(buffer)
            let root = try parser.parseText()
            return (root, parser.duplicateMembers)
        }
    }
}
