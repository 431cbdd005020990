import CZlib
import Foundation

/// Whether bytes start with gzip's magic number 1f 8b.
func isGzip(_ data: Data) -> Bool {
    data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
}

/// Inflates a gzip stream with zlib. Throws a `DataError` naming `file` when it is damaged, cut
/// short, or inflates past `limit` bytes (a few kilobytes of gzip can claim gigabytes).
func gunzip(_ data: Data, file: String, limit: Int = 1 << 30) throws -> Data {
    var stream = z_stream()
    // 16 + MAX_WBITS: expect a gzip header and trailer.
    guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
        throw DataError(file: file, fault: "zlib could not start inflating")
    }
    defer { inflateEnd(&stream) }
    var output = Data()
    let chunk = 1 << 20
    var buffer = [UInt8](repeating: 0, count: chunk)
    var status: Int32 = Z_OK
    try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
        stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
        stream.avail_in = uInt(input.count)
        repeat {
            try buffer.withUnsafeMutableBufferPointer { out in
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(chunk)
                status = inflate(&stream, Z_NO_FLUSH)
                guard status == Z_OK || status == Z_STREAM_END else {
                    let reason = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                    throw DataError(
                        file: file,
                        fault: status == Z_BUF_ERROR ? "gzip stream is truncated" : "gzip stream is corrupt (\(reason))"
                    )
                }
                output.append(out.baseAddress!, count: chunk - Int(stream.avail_out))
                guard output.count <= limit else {
                    throw DataError(
                        file: file,
                        fault:
                            "gzip stream inflates to more than \(groupedThousands(limit)) bytes, more than any data file this course reads"
                    )
                }
            }
        } while status != Z_STREAM_END && (stream.avail_in > 0 || stream.avail_out == 0)
    }
    guard status == Z_STREAM_END else { throw DataError(file: file, fault: "gzip stream is truncated") }
    return output
}
