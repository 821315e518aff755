// Magic-byte sniffing.
#include "mime/sniff.h"

#include <gtest/gtest.h>

#include <string>

#include "mime_test_util.h"

namespace mw::mime {
namespace {

using namespace std::string_literals;

std::string zip_with_first_entry(const std::string& name, const std::string& content = "") {
  std::string z = "PK\x03\x04"s + std::string(26, '\0');  // local header: name at 30
  z[26] = static_cast<char>(name.size());
  z += name + content;
  return z;
}

TEST(MimeSniff, Signatures) {
  EXPECT_EQ(sniff_type("%PDF-1.7\n..."), "application/pdf");
  EXPECT_EQ(sniff_type("junk before\n%PDF-1.4"), "application/pdf");
  EXPECT_EQ(sniff_type(zip_with_first_entry("readme.txt")), "application/zip");
  EXPECT_EQ(sniff_type(zip_with_first_entry("[Content_Types].xml", "....word/document.xml")),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  EXPECT_EQ(sniff_type(zip_with_first_entry("[Content_Types].xml", "..xl/workbook.xml")),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(sniff_type(zip_with_first_entry("mimetype", "application/vnd.oasis.opendocument.text")),
            "application/vnd.oasis.opendocument.text");
  std::string ole = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"s + std::string(100, '\0');
  EXPECT_EQ(sniff_type(ole), "application/vnd.ms-office");
  EXPECT_EQ(sniff_type(ole + "W\0o\0r\0d\0D\0o\0c\0u\0m\0e\0n\0t\0"s), "application/msword");
  EXPECT_EQ(sniff_type(ole + "W\0o\0r\0k\0b\0o\0o\0k\0"s), "application/vnd.ms-excel");
  EXPECT_EQ(sniff_type("Rar!\x1A\x07\x00rest"s), "application/x-rar");
  EXPECT_EQ(sniff_type("Rar!\x1A\x07\x01\x00rest"s), "application/x-rar");
  EXPECT_EQ(sniff_type("7z\xBC\xAF\x27\x1C\x00\x04"s), "application/x-7z-compressed");
  EXPECT_EQ(sniff_type("\x1F\x8B\x08\x00"s), "application/gzip");
  EXPECT_EQ(sniff_type("BZh91AY&SY"), "application/x-bzip2");
  EXPECT_EQ(sniff_type("\xFD"
                       "7zXZ\x00\x00"s),
            "application/x-xz");
  EXPECT_EQ(sniff_type("MSCF\0\0\0\0rest"s), "application/vnd.ms-cab-compressed");
  std::string pe =
      "MZ"s + std::string(0x3A, '\0') + "\x80\0\0\0"s + std::string(0x40, '\0') + "PE\0\0"s;
  EXPECT_EQ(sniff_type(pe), "application/x-dosexec");
  EXPECT_EQ(sniff_type("\x7F"
                       "ELF\x02\x01\x01"s),
            "application/x-executable");
  EXPECT_EQ(sniff_type("\xCF\xFA\xED\xFE\x07\x00\x00\x01"s), "application/x-mach-binary");
  EXPECT_EQ(sniff_type("\xCA\xFE\xBA\xBE\x00\x00\x00\x02"s), "application/x-mach-binary");
  EXPECT_EQ(sniff_type("\xCA\xFE\xBA\xBE\x00\x00\x00\x34"s), "application/java-vm");
  EXPECT_EQ(sniff_type("\x89PNG\r\n\x1A\n\0\0\0\rIHDR"s), "image/png");
  EXPECT_EQ(sniff_type("\xFF\xD8\xFF\xE0\0\x10JFIF"s), "image/jpeg");
  EXPECT_EQ(sniff_type("GIF89a\x01\x00"s), "image/gif");
  std::string bmp = "BM"s + std::string(12, '\0') + "\x28\0\0\0"s + std::string(16, '\0');
  EXPECT_EQ(sniff_type(bmp), "image/bmp");
  EXPECT_EQ(sniff_type("II*\0\x08\0\0\0"s), "image/tiff");
  EXPECT_EQ(sniff_type("MM\0*\0\0\0\x08"s), "image/tiff");
  EXPECT_EQ(sniff_type("RIFF\x24\0\0\0WEBPVP8 "s), "image/webp");
  std::string ico = "\0\0\1\0\1\0\x10\x10\0\0"s + std::string(12, '\0');
  EXPECT_EQ(sniff_type(ico), "image/vnd.microsoft.icon");
  std::string iso(0x8010, '\0');
  iso.replace(0x8001, 5, "CD001");
  EXPECT_EQ(sniff_type(iso), "application/x-iso9660-image");
  EXPECT_EQ(sniff_type("ID3\x04\0\0"s), "audio/mpeg");
  EXPECT_EQ(sniff_type("\xFF\xFB\x90\x64"s), "audio/mpeg");
  EXPECT_EQ(sniff_type("\0\0\0\x20"
                       "ftypisom"s),
            "video/mp4");
  EXPECT_EQ(sniff_type("\0\0\0\x20"
                       "ftypM4A "s),
            "audio/mp4");
  EXPECT_EQ(sniff_type("  \n<!DOCTYPE html><html>"), "text/html");
  EXPECT_EQ(sniff_type("<HTML><BODY>hi"), "text/html");
  EXPECT_EQ(sniff_type("{\\rtf1\\ansi"), "application/rtf");
  EXPECT_EQ(sniff_type("<?xml version=\"1.0\"?><svg xmlns=..."), "image/svg+xml");
  EXPECT_EQ(sniff_type("Just some words.\r\nAnd a line.\n"), "text/plain");
  EXPECT_EQ(sniff_type("binary\0data\x01\x02"s), "");
  EXPECT_EQ(sniff_type(""), "");
  EXPECT_EQ(sniff_type("M"), "text/plain");
}

TEST(MimeSniff, CorpusImage) {
  std::string jpg = testing::read_file(testing::testdata("corpus/gmime/data/encodings/photo.jpg"));
  EXPECT_EQ(sniff_type(jpg), "image/jpeg");
  // Truncated signatures never read past the end.
  for (size_t n = 0; n < 16; ++n) sniff_type(std::string_view(jpg).substr(0, n));
}

}  // namespace
}  // namespace mw::mime
