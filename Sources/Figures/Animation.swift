import Foundation
import PNGCodec

/// An animated PNG (APNG): frames of equal size played in a loop by every current browser, with
/// the first frame shown by viewers that know only PNG.
public enum APNG {
    /// Builds the file from frames encoded by our libpng writer: IHDR from the first frame, an acTL
    /// chunk, then per frame an fcTL chunk and its image data (IDAT for the first, fdAT after).
    public static func encode(_ frames: [RenderedFigure], delayMilliseconds: Int = 600, source: String? = nil) throws
        -> Data
    {
        guard let first = frames.first else { throw FigureError("an animation needs at least one frame") }
        guard
            frames.allSatisfy({
                $0.image.width == first.image.width && $0.image.height == first.image.height
                    && $0.image.channels == first.image.channels
            })
        else {
            throw FigureError("animation frames differ in size")
        }
        var out = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var sequence: UInt32 = 0
        for (index, frame) in frames.enumerated() {
            let chunks = try parseChunks(try PNG.encode(frame.image))
            if index == 0 {
                out.append(chunk("IHDR", chunks.first { $0.type == "IHDR" }!.data))
                let text = "Software\0CNN course Figures (Cairo, libpng)"
                if let source { out.append(chunk("tEXt", Data("Source\0\(source)".utf8))) }
                out.append(chunk("tEXt", Data(text.utf8)))
                out.append(chunk("acTL", be32(UInt32(frames.count)) + be32(0)))
            }
            var control =
                be32(sequence) + be32(UInt32(frame.image.width)) + be32(UInt32(frame.image.height)) + be32(0) + be32(0)
            control += be16(UInt16(min(delayMilliseconds, 65535))) + be16(1000) + Data([0, 0])
            out.append(chunk("fcTL", control))
            sequence += 1
            for data in chunks.filter({ $0.type == "IDAT" }).map(\.data) {
                if index == 0 {
                    out.append(chunk("IDAT", data))
                } else {
                    out.append(chunk("fdAT", be32(sequence) + data))
                    sequence += 1
                }
            }
        }
        out.append(chunk("IEND", Data()))
        return out
    }

    static func parseChunks(_ png: Data) throws -> [(type: String, data: Data)] {
        let bytes = [UInt8](png)
        var chunks: [(String, Data)] = []
        var offset = 8
        while offset + 12 <= bytes.count {
            let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            guard offset + 12 + length <= bytes.count else { throw FigureError("PNG chunk \(type) is truncated") }
            chunks.append((type, Data(bytes[(offset + 8)..<(offset + 8 + length)])))
            offset += 12 + length
        }
        return chunks
    }

    static func chunk(_ type: String, _ data: Data) -> Data {
        let typeBytes = Data(type.utf8)
        let body = typeBytes + data
        let crc = body.withUnsafeBytes { png_codec_crc32(0, $0.bindMemory(to: UInt8.self).baseAddress, body.count) }
        return be32(UInt32(data.count)) + body + be32(crc)
    }

    static func be32(_ v: UInt32) -> Data {
        Data([UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)])
    }
    static func be16(_ v: UInt16) -> Data { Data([UInt8(v >> 8), UInt8(v & 0xFF)]) }
}
