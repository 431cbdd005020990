import Foundation
import PNGCodec

/// Why a figure could not be made: a clear, one-line reason.
public struct FigureError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// 8-bit pixels, rows top to bottom: 1 channel (grey), 3 (RGB) or 4 (RGBA).
public struct PixelImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(
            pixels.count == width * height * channels,
            "PixelImage: \(pixels.count) bytes for \(width)x\(height)x\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// The pixel at (x, y), one byte per channel.
    public subscript(x: Int, y: Int) -> [UInt8] {
        let i = (y * width + x) * channels
        return Array(pixels[i..<(i + channels)])
    }
}

/// PNG files through libpng.
public enum PNG {
    /// Encodes with tEXt chunks (for example "Software", "Source"), in key order so the same
    /// image and text give the same bytes.
    public static func encode(_ image: PixelImage, text: [String: String] = [:]) throws -> Data {
        let keys = text.keys.sorted()
        let values = keys.map { text[$0]! }
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var error = [CChar](repeating: 0, count: 256)
        let status = withCStrings(keys) { keyPointers in
            withCStrings(values) { valuePointers in
                image.pixels.withUnsafeBufferPointer { pixels in
                    png_codec_encode(
                        pixels.baseAddress, Int32(image.width), Int32(image.height), Int32(image.channels),
                        keyPointers, valuePointers, Int32(keys.count), &out, &size, &error, error.count)
                }
            }
        }
        guard status == 0, let out else { throw FigureError("PNG encoding failed: \(cString(error))") }
        defer { png_codec_free(out) }
        return Data(bytes: out, count: size)
    }

    /// Decodes a PNG (used by tests and for reading pictures back).
    public static func decode(_ data: Data) throws -> PixelImage {
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0
        var height: Int32 = 0
        var channels: Int32 = 0
        var error = [CChar](repeating: 0, count: 256)
        let status = data.withUnsafeBytes { bytes in
            png_codec_decode(
                bytes.bindMemory(to: UInt8.self).baseAddress, data.count, &pixels, &width, &height, &channels, &error,
                error.count)
        }
        guard status == 0, let pixels else { throw FigureError("PNG decoding failed: \(cString(error))") }
        defer { png_codec_free(pixels) }
        let count = Int(width) * Int(height) * Int(channels)
        return PixelImage(
            width: Int(width), height: Int(height), channels: Int(channels),
            pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }

    /// The tEXt chunks of a PNG file, read directly from its chunk list.
    public static func textChunks(_ data: Data) -> [String: String] {
        var result: [String: String] = [:]
        let bytes = [UInt8](data)
        var offset = 8
        while offset + 12 <= bytes.count {
            let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            guard offset + 12 + length <= bytes.count else { break }
            if type == "tEXt" {
                let body = bytes[(offset + 8)..<(offset + 8 + length)]
                if let zero = body.firstIndex(of: 0) {
                    result[String(decoding: body[..<zero], as: UTF8.self)] = String(
                        decoding: body[(zero + 1)...], as: UTF8.self)
                }
            }
            offset += 12 + length
        }
        return result
    }
}

/// The text of a NUL-terminated C buffer (a libpng error message).
func cString(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { for copy in copies { free(copy) } }
    let pointers = copies.map { UnsafePointer($0) }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
}
