/// The page's own words, the runner's rather than the author's ("Out", "Checked", "not built
/// yet"), in each language. A key's raw value is its English, `{1}`, `{2}` where numbers or names
/// go; the Simplified Chinese is written here, the Traditional derived from it by OpenCC.
public struct Words: Sendable {
    public enum Key: String, CaseIterable, Sendable {
        case courseContents = "← Course contents"
        case contents = "← Contents"
        case lessonNumber = "Lesson {1}"
        case course = "Course"
        case onThisPage = "On this page"
        case figuresOnThisPage = "Figures on this page"
        case lessons = "Lessons"
        case figure = "Figure {1}"
        case table = "Table {1}"
        case cell = "Cell {1}"
        case section = "Section {1}"
        case equation = "Equation {1}"
        case ran = "✓ ran"
        case failedAsExpected = "✓ failed as expected"
        case failed = "✗ failed"
        case notRunBecause = "not run: {1} failed"
        case cellLink = "cell {1}"
        case notRunEarlier = "not run (an earlier cell failed)"
        case notRunEval = "not run (eval: false)"
        case checked = "✓ Checked"
        case checkFailed = "✗ Failed"
        case colon = ": "
        case stepThrough = "Step through the {1} steps"
        case step = "step {1}"
        case stepOf = "{1}, step {2} of {3}"
        case openFullSize = "Open at full size"
        case errorsInText = "{1} errors in the lesson's text."
        case errorInText = "1 error in the lesson's text."
        case cellsFailed = "{1} cells failed."
        case cellFailed = "1 cell failed."
        case warnings = "Warnings"
        case builtFrom = "Built from {1} with {2} on {3}; cells ran for {4} in all."
        case skipToLesson = "Skip to the lesson"
        case sectionsOfThisPage = "Sections of this page"
        case pageNavigation = "Page"
        case contentsNavigation = "Contents"
        case toTop = "↑ Top"
        case practiseLabel = "Practise this lesson"
        case practise =
            "<strong>Practise this lesson.</strong> {1}: write your workbook with {2}, answer in {3}, then check with {4}."
        case exercises = "{1} exercises"
        case exercise = "1 exercise"
        case allCellsRan = "✓ all cells ran"
        case failures = "✗ {1} failures"
        case failure = "✗ 1 failure"
        case notBuiltYet = "not built yet"
        case searchCourse = "Search the course"
        case nothingFound = "Nothing found."
        case found = "found"
        case copy = "Copy"
        case copied = "Copied"
        case pageLanguages = "This page in other languages"
        case staleNote = "The English of this passage has changed since it was translated: {1}."
        case readEnglish = "read the English"
        case untranslatedNote = "This passage is not translated yet; it is shown in English."
        case notTranslatedTitle = "Not translated yet"
        case notTranslatedBody = "This lesson has no Chinese translation yet. Read it in English: {1}."
        case glossary = "Glossary"
        case glossaryIntro =
            "The terms of the course in English and Chinese, each linked to the lesson that teaches it."
        case termEnglish = "English"
        case termChinese = "Chinese"
        case taughtIn = "Taught in"
        // The workbook and `lessons check`.
        case workbookFor = "Workbook for lesson {1}, \"{2}\" ({3})."
        case workbookHow = "Write each answer between its two marker lines, then run `lessons check {1}`."
        case workbookScope =
            "The lesson's cells before an exercise are in scope: use the values and functions they define."
        case workbookKeeps = "Writing this file again (`lessons practice {1}`) keeps your answers."
        case exerciseHeading = "Exercise {1}: {2} ({3})"
        case droppedAnswers = "Answers to exercises the lesson no longer has (kept, not checked)"
        case wroteWorkbook = "{1}: {2}; check with `lessons check {3}`"
        case noExercises = "{1} has no exercises."
        case passed = "passed"
        case notAttempted = "not attempted"
        case failedVerdict = "failed"
        case claim = "claim:"
        case foundValue = "found:"
        case doesNotCompile = "does not compile"
        case cannotBeChecked = "cannot be checked"
        case solved = "{1} of {2} solved."
        case noWorkbook = "No workbook at {1} yet: write it with `lessons practice {2}`."
        case watching = "Watching for changes (Ctrl-C stops)."
        case checkingAgain = "checking again {1}"
    }

    public let language: Language
    let table: [Key: String]

    public static let english = Words(language: .english, table: [:])

    /// The key's words with `{1}`, `{2}`... replaced by `arguments`.
    public func callAsFunction(_ key: Key, _ arguments: String...) -> String {
        var text = table[key] ?? key.rawValue
        for (k, a) in arguments.enumerated() { text = text.replacingOccurrences(of: "{\(k + 1)}", with: a) }
        return text
    }

    /// "1 exercise", "3 exercises": `one` for a count of one, else `many` with the count.
    public func count(_ n: Int, one: Key, many: Key) -> String { n == 1 ? self(one) : self(many, "\(n)") }

    public static func of(_ language: Language, converter: (String) -> String = { $0 }) -> Words {
        switch language {
        case .english: return .english
        case .simplifiedChinese: return Words(language: language, table: simplifiedChinese)
        case .traditionalChinese:
            return Words(language: language, table: simplifiedChinese.mapValues(converter))
        }
    }

    static let simplifiedChinese: [Key: String] = [
        .courseContents: "← 课程目录",
        .contents: "← 目录",
        .lessonNumber: "第 {1} 课",
        .course: "课程",
        .onThisPage: "本页内容",
        .figuresOnThisPage: "本页插图",
        .lessons: "课程列表",
        .figure: "图 {1}",
        .table: "表 {1}",
        .cell: "单元格 {1}",
        .section: "第 {1} 节",
        .equation: "式 ({1})",
        .ran: "✓ 已运行",
        .failedAsExpected: "✓ 按预期失败",
        .failed: "✗ 失败",
        .notRunBecause: "未运行：{1} 失败",
        .cellLink: "单元格 {1}",
        .notRunEarlier: "未运行（前面的单元格失败了）",
        .notRunEval: "未运行（eval: false）",
        .checked: "✓ 已验证",
        .checkFailed: "✗ 未通过",
        .colon: "：",
        .stepThrough: "逐步查看全部 {1} 步",
        .step: "第 {1} 步",
        .stepOf: "{1}，第 {2} 步（共 {3} 步）",
        .openFullSize: "查看原始大小",
        .errorsInText: "课文中有 {1} 处错误。",
        .errorInText: "课文中有 1 处错误。",
        .cellsFailed: "{1} 个单元格失败。",
        .cellFailed: "1 个单元格失败。",
        .warnings: "警告",
        .builtFrom: "由 {1} 构建，使用 {2}，时间 {3}；单元格共运行 {4}。",
        .skipToLesson: "跳到课文",
        .sectionsOfThisPage: "本页各节",
        .pageNavigation: "页面导航",
        .contentsNavigation: "目录",
        .toTop: "↑ 顶部",
        .practiseLabel: "练习本课",
        .practise: "<strong>练习本课。</strong>{1}：用 {2} 生成练习本，在 {3} 中作答，再用 {4} 检查。",
        .exercises: "{1} 道练习",
        .exercise: "1 道练习",
        .allCellsRan: "✓ 所有单元格均已运行",
        .failures: "✗ {1} 处失败",
        .failure: "✗ 1 处失败",
        .notBuiltYet: "尚未构建",
        .searchCourse: "搜索课程",
        .nothingFound: "没有找到。",
        .found: "条结果",
        .copy: "复制",
        .copied: "已复制",
        .pageLanguages: "本页的其他语言版本",
        .staleNote: "自翻译以来，这段的英文原文已有改动：{1}。",
        .readEnglish: "阅读英文原文",
        .untranslatedNote: "这一段尚未翻译，下面显示英文原文。",
        .notTranslatedTitle: "尚未翻译",
        .notTranslatedBody: "这一课还没有中文翻译。请阅读英文版：{1}。",
        .glossary: "术语表",
        .glossaryIntro: "本课程的术语，中英对照，并链接到讲解它的课。",
        .termEnglish: "英文",
        .termChinese: "中文",
        .taughtIn: "讲解于",
        .workbookFor: "{1}“{2}”的练习本（{3}）。",
        .workbookHow: "在每道题的两行标记之间写下答案，然后运行 `lessons check {1} --lang zh`。",
        .workbookScope: "练习之前的各个单元格都在作用域内：可以直接使用它们定义的值和函数。",
        .workbookKeeps: "再次生成这个文件（`lessons practice {1} --lang zh`）会保留你的答案。",
        .exerciseHeading: "练习 {1}：{2}（{3}）",
        .droppedAnswers: "课中已没有的练习的答案（保留，不检查）",
        .wroteWorkbook: "{1}：{2}；用 `lessons check {3} --lang zh` 检查",
        .noExercises: "{1} 没有练习。",
        .passed: "通过",
        .notAttempted: "尚未作答",
        .failedVerdict: "未通过",
        .claim: "断言：",
        .foundValue: "实际值：",
        .doesNotCompile: "无法编译",
        .cannotBeChecked: "无法检查",
        .solved: "已完成 {1}，共 {2}。",
        .noWorkbook: "{1} 还没有练习本：用 `lessons practice {2} --lang zh` 生成。",
        .watching: "正在监视文件变化（按 Ctrl-C 停止）。",
        .checkingAgain: "重新检查 {1}",
    ]
}
