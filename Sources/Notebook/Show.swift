import CNN
import Figures
import Foundation
import LessonWire

/// Shows a figure under the current cell: written as PNG beside the page, numbered by the page,
/// in the light theme and (`-dark.png`) the dark one, which the page picks by the reader's
/// colour scheme. A figure with a phone layout (a plot, a wide diagram) is drawn again in it
/// (`-phone.png`, `-phone-dark.png`), for the page to offer narrow screens. `caption` is the text
/// under it, `alt` describes it for screen readers (a figure without alt text is a warning in the
/// build).
public func show(_ figure: Figure, caption: String? = nil, alt: String? = nil) {
    let base = "figure-\(NotebookRuntime.nextFigureNumber())"
    do {
        let source = "\(Channel.lessonFile), cell \(NotebookRuntime.currentCell)"
        let rendered = try Theme.$current.withValue(.light) { try figure.render() }
        let dark = try Theme.$current.withValue(.dark) { try figure.render() }
        try write(rendered.png(source: source), name: base + ".png")
        try write(dark.png(source: source), name: base + "-dark.png")
        var phoneFile: String?
        var phoneDarkFile: String?
        if figure.hasPhoneLayout {
            try FigureLayout.$phone.withValue(true) {
                let phone = try Theme.$current.withValue(.light) { try figure.render() }
                let phoneDark = try Theme.$current.withValue(.dark) { try figure.render() }
                try write(phone.png(source: source), name: base + "-phone.png")
                try write(phoneDark.png(source: source), name: base + "-phone-dark.png")
            }
            phoneFile = base + "-phone.png"
            phoneDarkFile = base + "-phone-dark.png"
        }
        Channel.send(
            .figure(
                FigureOutput(
                    file: base + ".png", caption: caption, alt: alt, notes: rendered.notes,
                    darkFile: base + "-dark.png", phoneFile: phoneFile, phoneDarkFile: phoneDarkFile,
                    width: rendered.displayWidth, height: rendered.displayHeight)))
    } catch {
        fail("show: \(error)")
    }
}

/// Shows a tensor as a picture: an image for [H, W, 1 or 3] (or one-image batches) with values in
/// [0, 1], otherwise a heatmap of a 2-D tensor (values printed when small).
public func show(
    _ tensor: Tensor, title: String? = nil, caption: String? = nil, alt: String? = nil, colorMap: ColorMap? = nil
) {
    var t = tensor
    if t.rank == 4 && t.shape[0] == 1 { t = t.item(0) }
    let isImage =
        t.rank == 3 && (t.shape[2] == 3 || (t.shape[2] == 1 && t.min() >= 0 && t.max() <= 1 && t.shape[0] >= 8))
    if isImage && colorMap == nil {
        show(ImagePicture(t, title: title), caption: caption, alt: alt)
    } else {
        if t.rank == 3 && t.shape[2] == 1 { t = t.reshaped([t.shape[0], t.shape[1]]) }
        show(Heatmap(t, colorMap: colorMap, title: title), caption: caption, alt: alt)
    }
}

/// Shows a convolution or pooling diagram as an animation (APNG, plays in the page) with its
/// frames to step through, each in the light and the dark theme; a reader who asks for reduced
/// motion sees the first step instead of the animation. A diagram too wide for a phone is drawn
/// again stacked (`-phone`), animation and steps, for the page to offer narrow screens.
public func animate(
    _ diagram: ConvolutionDiagram, caption: String? = nil, alt: String? = nil, delayMilliseconds: Int = 700
) {
    let base = "figure-\(NotebookRuntime.nextFigureNumber())"
    do {
        let source = "\(Channel.lessonFile), cell \(NotebookRuntime.currentCell)"
        // The animation and its steps in both themes, named `base` + `variant`; the steps' names.
        func draw(variant: String) throws -> (frames: [RenderedFigure], light: [String], dark: [String]) {
            let frames = try Theme.$current.withValue(.light) { try diagram.frames() }
            let darkFrames = try Theme.$current.withValue(.dark) { try diagram.frames() }
            try write(
                APNG.encode(frames, delayMilliseconds: delayMilliseconds, source: source),
                name: base + variant + ".png")
            try write(
                APNG.encode(darkFrames, delayMilliseconds: delayMilliseconds, source: source),
                name: base + variant + "-dark.png")
            var names: [String] = []
            var darkNames: [String] = []
            for (i, (frame, darkFrame)) in zip(frames, darkFrames).enumerated() {
                let name = "\(base)-step-\(i + 1)\(variant).png"
                let darkName = "\(base)-step-\(i + 1)\(variant)-dark.png"
                try write(frame.png(), name: name)
                try write(darkFrame.png(), name: darkName)
                names.append(name)
                darkNames.append(darkName)
            }
            return (frames, names, darkNames)
        }
        let (frames, names, darkNames) = try draw(variant: "")
        var phone: (frames: [RenderedFigure], light: [String], dark: [String])?
        if diagram.hasPhoneLayout { phone = try FigureLayout.$phone.withValue(true) { try draw(variant: "-phone") } }
        Channel.send(
            .figure(
                FigureOutput(
                    file: base + ".png", caption: caption, alt: alt, frames: names,
                    darkFile: base + "-dark.png", darkFrames: darkNames,
                    phoneFile: phone.map { _ in base + "-phone.png" },
                    phoneDarkFile: phone.map { _ in base + "-phone-dark.png" },
                    phoneFrames: phone?.light ?? [], phoneDarkFrames: phone?.dark ?? [],
                    width: frames[0].displayWidth, height: frames[0].displayHeight)))
    } catch {
        fail("animate: \(error)")
    }
}

func write(_ data: Data, name: String) throws {
    let folder = Channel.figureDirectory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    try data.write(to: folder.appendingPathComponent(name))
}
