import Backprop

/// The OpenAPI 3.1 description of the API, served at `GET /openapi.json`. Its source is
/// `OpenAPI/openapi.json` (embedded at build time); keep it in step with api.md and the handlers:
/// `OperationsAPITests` checks that every route is described.
enum OpenAPIDocument {
    /// The document with the server's configured limits in place of its `"__NAME__"` strings.
    static func bytes(limits: ServiceLimits, maxWaitSeconds: Int) -> [UInt8] {
        let values: [String: Int] = [
            "__MAX_ALPHAS__": limits.maxAlphas, "__MAX_HIDDEN_SIZE__": limits.training.maxHiddenSize,
            "__MAX_HIDDEN_SIZES__": limits.maxHiddenSizes, "__MAX_ITERATIONS__": limits.training.maxIterations,
            "__MAX_NAME_LENGTH__": limits.maxNameLength, "__MAX_LABELS__": limits.maxLabels, "__MAX_WAIT__": maxWaitSeconds,
            "__MAX_SAMPLES__": limits.training.maxSamples, "__MAX_INPUTS__": limits.training.maxInputs,
            "__MAX_OUTPUTS__": limits.training.maxOutputs,
            "__DEFAULT_ITERATIONS__": limits.defaultIterations, "__DEFAULT_HIDDEN_SIZE__": limits.defaultHiddenSize,
        ]
        var document = template
        for (token, value) in values { document = document.replacing("\"\(token)\"", with: String(value)) }
        return Array(document.utf8)
    }

    /// The document as written, with the limits still as `"__NAME__"` strings.
    static var template: String { OpenAPIFiles.contents["openapi.json"] ?? "" }
}
