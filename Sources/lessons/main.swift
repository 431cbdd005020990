import ArgumentParser

@main
struct Lessons: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lessons",
        abstract: "Builds the CNN course: runs each lesson's Swift cells and publishes them as HTML.",
        subcommands: [])
}
