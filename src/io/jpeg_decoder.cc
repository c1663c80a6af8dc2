#include "io/jpeg_decoder.h"

#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE
#include <vector>

#include <jpeglib.h>

#include "graph/error.h"

namespace octet {
namespace {

// libjpeg reports fatal errors by calling error_exit, which must not return:
// we longjmp back to the setjmp in the function that called libjpeg. Those
// functions keep only trivially destructible locals, so the jump skips no
// C++ destructor; all C++ allocation happens between them.
struct Reader {
  jpeg_decompress_struct info;
  jpeg_error_mgr errors;
  std::jmp_buf on_error;
  char message[JMSG_LENGTH_MAX] = "";
};

void on_fatal_error(j_common_ptr info) {
  Reader* reader = reinterpret_cast<Reader*>(info->client_data);
  (*info->err->format_message)(info, reader->message);
  std::longjmp(reader->on_error, 1);
}

void ignore_warning(j_common_ptr) {}

// Reads the header and starts decompression; false on a fatal error.
bool start(Reader& reader, const uint8_t* data, size_t size) {
  if (setjmp(reader.on_error)) return false;
  jpeg_mem_src(&reader.info, data, static_cast<unsigned long>(size));
  jpeg_read_header(&reader.info, TRUE);
  J_COLOR_SPACE space = reader.info.jpeg_color_space;
  if (space == JCS_CMYK || space == JCS_YCCK) return true;  // not ours: checked by the caller
  reader.info.out_color_space = space == JCS_GRAYSCALE ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress(&reader.info);
  return true;
}

// Decodes all rows into their places, `rows` (one per output row): libjpeg
// then writes as many per call as it decodes together (two for 2x2 chroma)
// straight into the image. (Nothing here needs destroying: the error path
// longjmps back into this function.)
bool read_rows(Reader& reader, JSAMPROW* rows) {
  if (setjmp(reader.on_error)) return false;
  while (reader.info.output_scanline < reader.info.output_height)
    jpeg_read_scanlines(&reader.info, rows + reader.info.output_scanline,
                        reader.info.output_height - reader.info.output_scanline);
  jpeg_finish_decompress(&reader.info);
  return true;
}

// Owns the libjpeg decompressor.
struct Decompressor {
  Reader reader;
  Decompressor() {
    reader.info.err = jpeg_std_error(&reader.errors);
    reader.errors.error_exit = on_fatal_error;
    reader.errors.output_message = ignore_warning;
    reader.info.client_data = &reader;
    jpeg_create_decompress(&reader.info);
  }
  ~Decompressor() { jpeg_destroy_decompress(&reader.info); }
};

}  // namespace

std::optional<Image> decode_jpeg_libjpeg(const uint8_t* data, size_t size, const std::string& origin) {
  Decompressor decompressor;
  Reader& reader = decompressor.reader;
  auto corrupt = [&] {
    fail(ErrorKind::BadInput, origin + ": cannot decode image: " + reader.message);
  };
  if (!start(reader, data, size)) corrupt();
  J_COLOR_SPACE space = reader.info.jpeg_color_space;
  if (space == JCS_CMYK || space == JCS_YCCK) return std::nullopt;
  Image image(static_cast<int>(reader.info.output_height), static_cast<int>(reader.info.output_width),
              reader.info.output_components);
  const size_t stride = size_t{reader.info.output_width} * reader.info.output_components;
  std::vector<JSAMPROW> rows(reader.info.output_height);
  for (size_t y = 0; y < rows.size(); ++y) rows[y] = image.pixels.data() + y * stride;
  if (!read_rows(reader, rows.data())) corrupt();
  return image;
}

}  // namespace octet
