// PNG encode/decode through libpng. libpng reports errors with longjmp, which Swift cannot
// catch, so the calls live in C; every failure comes back as a message, never a crash.
#ifndef PNGCODEC_H
#define PNGCODEC_H
#include <stddef.h>
#include <stdint.h>

/// Encodes 8-bit pixels (channels 1 = grey, 3 = RGB, 4 = RGBA), rows top to bottom, with
/// `text_count` tEXt chunks. On success returns 0 and sets *out (free with png_codec_free).
/// On failure returns -1 and writes a message into `error` (at most error_size bytes).
int png_codec_encode(const uint8_t *pixels, int width, int height, int channels,
                     const char *const *text_keys, const char *const *text_values, int text_count,
                     uint8_t **out, size_t *out_size, char *error, size_t error_size);

/// The largest image png_codec_decode accepts: 16384 pixels a side and 256 MiB of pixels.
#define PNG_CODEC_MAX_SIDE 16384
#define PNG_CODEC_MAX_BYTES ((size_t)256 << 20)

/// Decodes a PNG into 8-bit pixels with its own channel count (palette and 16-bit are expanded
/// or stripped; grey+alpha becomes RGBA; interlaced images are de-interlaced). Returns 0 and sets
/// *pixels (free with png_codec_free); on damaged or oversized input returns -1 with a message.
int png_codec_decode(const uint8_t *data, size_t size, uint8_t **pixels, int *width, int *height,
                     int *channels, char *error, size_t error_size);

void png_codec_free(void *pointer);

/// CRC-32 as PNG chunks use it (for APNG chunks written by hand).
uint32_t png_codec_crc32(uint32_t crc, const uint8_t *bytes, size_t size);
#endif
