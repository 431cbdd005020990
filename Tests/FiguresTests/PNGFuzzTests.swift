import CNN
import Foundation
import XCTest

@testable import Figures

/// Seeded, bounded fuzzing of `PNG.decode`: random bytes, every prefix of a real file, bit flips
/// with and without the chunk CRCs repaired (so damage reaches libpng's decoder, not only its CRC
/// check), and headers that lie about the size. Each input gives an image or a one-line
/// `FigureError`; a crash or a hang fails the run.
final class PNGFuzzTests: XCTestCase {
    func decodeOrClearError(_ data: Data, file: StaticString = #filePath, line: UInt = #line) -> PixelImage? {
        do {
            let image = try PNG.decode(data)
            XCTAssertEqual(image.pixels.count, image.width * image.height * image.channels, file: file, line: line)
            return image
        } catch let error as FigureError {
            XCTAssertTrue(error.message.hasPrefix("PNG decoding failed: "), error.message, file: file, line: line)
            XCTAssertFalse(error.message.contains("\n"), error.message, file: file, line: line)
            return nil
        } catch {
            XCTFail("not a FigureError: \(error)", file: file, line: line)
            return nil
        }
    }

    /// A real PNG of the project's own encoder: 37x23 RGBA with a text chunk.
    func goodPNG() throws -> Data {
        let pixels = (0..<(37 * 23 * 4)).map { UInt8(truncatingIfNeeded: $0 &* 31 ^ ($0 >> 3)) }
        return try PNG.encode(PixelImage(width: 37, height: 23, channels: 4, pixels: pixels), text: ["Source": "fuzz"])
    }

    /// The chunks of a PNG as (offset of the length field, data length).
    func chunks(_ bytes: [UInt8]) -> [(offset: Int, length: Int)] {
        var result: [(Int, Int)] = []
        var offset = 8
        while offset + 12 <= bytes.count {
            let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            guard offset + 12 + length <= bytes.count else { break }
            result.append((offset, length))
            offset += 12 + length
        }
        return result
    }

    /// Rewrites every chunk's CRC so that libpng accepts the chunk and decodes what is in it.
    func repairingCRCs(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        for (offset, length) in chunks(bytes) {
            let crc = crc32(bytes[(offset + 4)..<(offset + 8 + length)])
            for i in 0..<4 { bytes[offset + 8 + length + i] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * UInt32(i))) }
        }
        return bytes
    }

    func crc32<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    func testRandomBytes() {
        var generator = RandomGenerator(seed: 404)
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        for round in 0..<2000 {
            var bytes = (0..<Int(generator.next() % 200)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            if round % 2 == 0 { bytes = signature + bytes }
            XCTAssertNil(decodeOrClearError(Data(bytes)))
        }
    }

    func testEveryPrefixOfARealFile() throws {
        let good = try goodPNG()
        XCTAssertNotNil(decodeOrClearError(good))
        // The last 12 bytes are the IEND chunk, which the decoder need not read.
        for length in 0..<(good.count - 12) {
            XCTAssertNil(decodeOrClearError(good.prefix(length)), "prefix \(length)")
        }
    }

    func testBitFlipsWithAndWithoutRepairedCRCs() throws {
        let good = [UInt8](try goodPNG())
        var generator = RandomGenerator(seed: 505)
        var decoded = 0
        for round in 0..<2000 {
            var bytes = good
            for _ in 0..<(1 + round % 5) {
                // Past the signature, mostly inside the chunks' data.
                let bit = 64 + Int(generator.next() % UInt64((bytes.count - 8) * 8))
                bytes[bit / 8] ^= 1 << (bit % 8)
            }
            if round % 4 != 0 { bytes = repairingCRCs(bytes) }
            if decodeOrClearError(Data(bytes)) != nil { decoded += 1 }
        }
        XCTAssertLessThan(decoded, 2000, "damage must be noticed sometimes")
    }

    func testHeadersThatLieAboutTheSize() throws {
        let good = [UInt8](try goodPNG())
        let ihdr = chunks(good)[0]
        XCTAssertEqual(String(decoding: good[(ihdr.offset + 4)..<(ihdr.offset + 8)], as: UTF8.self), "IHDR")
        for (width, height) in [
            (1_000_000, 1_000_000), (0x7FFF_FFFF, 1), (16384, 16384), (0, 5), (37, 100_000), (38, 23), (1, 1),
        ] as [(UInt32, UInt32)] {
            var bytes = good
            for i in 0..<4 {
                bytes[ihdr.offset + 8 + i] = UInt8(truncatingIfNeeded: width >> (24 - 8 * UInt32(i)))
                bytes[ihdr.offset + 12 + i] = UInt8(truncatingIfNeeded: height >> (24 - 8 * UInt32(i)))
            }
            let image = decodeOrClearError(Data(repairingCRCs(bytes)))
            if let image {
                XCTAssertLessThanOrEqual(image.width * image.height, 38 * 23, "only sizes the data can fill decode")
            }
        }
    }
}
