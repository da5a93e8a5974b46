import Foundation
import PackagePlugin

/// Embeds each folder of the target named in `folders` as `<Folder>Files.contents` (file name →
/// text), written at build time by the EmbedFiles tool: `Dashboard/` becomes `DashboardFiles`,
/// `OpenAPI/` `OpenAPIFiles`. The files are the only source of truth; nothing generated is committed.
@main struct EmbedFilesPlugin: BuildToolPlugin {
    static let folders = ["Dashboard", "OpenAPI"]

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let tool = try context.tool(named: "EmbedFiles").url
        return try Self.folders.compactMap { folder in
            let directory = target.directoryURL.appending(path: folder)
            guard FileManager.default.fileExists(atPath: directory.path) else { return nil }
            let inputs = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { !$0.lastPathComponent.hasPrefix(".") }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
            let output = context.pluginWorkDirectoryURL.appending(path: "\(folder)Files.swift")
            return .buildCommand(
                displayName: "Embedding \(target.name)/\(folder)", executable: tool,
                arguments: [output.path, "\(folder)Files"] + inputs.map(\.path),
                inputFiles: inputs, outputFiles: [output])
        }
    }
}
