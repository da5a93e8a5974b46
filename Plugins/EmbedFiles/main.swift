import Foundation

/// `EmbedFiles OUTPUT.swift ENUM FILE…` writes `enum ENUM { static let contents: [String: String] }`,
/// each file's text by its name as a raw string literal: the binary serves the dashboard and the
/// OpenAPI document without a resource bundle, and a literal compiles in a fraction of the time of
/// the byte array `.embedInCode` writes (BENCHMARKS.md, "Embedding files").
let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: EmbedFiles OUTPUT.swift ENUM FILE…\n".utf8))
    exit(2)
}
var entries: [String] = []
for path in arguments.dropFirst(2).sorted() {
    let name = URL(fileURLWithPath: path).lastPathComponent
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        FileHandle.standardError.write(Data("EmbedFiles: \(path) is not UTF-8 text\n".utf8))
        exit(1)
    }
    guard !text.contains("\r") else {
        // A multi-line literal turns CR LF into LF: the served bytes would differ from the file.
        FileHandle.standardError.write(Data("EmbedFiles: \(path) has CR line endings; use LF\n".utf8))
        exit(1)
    }
    // More '#' than follow any '"""' or '\' in the text: no closing delimiter or escape inside.
    var hashes = "#"
    while text.contains("\"\"\"" + hashes) || text.contains("\\" + hashes) { hashes += "#" }
    // The line break before the closing delimiter is not part of the value.
    entries.append("        \"\(name)\": \(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes),")
}
let swift = """
    // Written by the EmbedFiles build-tool plugin at build time; not in the repository.
    enum \(arguments[1]) {
        static let contents: [String: String] = [
    \(entries.joined(separator: "\n"))
        ]
    }

    """
do {
    try Data(swift.utf8).write(to: URL(fileURLWithPath: arguments[0]), options: .atomic)
} catch {
    FileHandle.standardError.write(Data("EmbedFiles: cannot write \(arguments[0]): \(error)\n".utf8))
    exit(1)
}
