// Magic-byte content sniffing (see sniff.h). Signatures from the published file format
// specifications (PKWARE APPNOTE, [MS-CFB], RFC 1952, PNG/GIF/JPEG/TIFF specifications, ISO 9660,
// ELF/Mach-O/PE headers, RIFF, ISO/IEC 14496-12 "ftyp"), written down here as a table of our own.
#include "mime/sniff.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "mime/strutil.h"

namespace mw::mime {

namespace {

constexpr size_t kScan = 64 * 1024;  // bytes searched for container member names

class Bytes {
 public:
  explicit Bytes(std::string_view d) : d_(d) {}
  unsigned at(size_t i) const { return i < d_.size() ? static_cast<unsigned char>(d_[i]) : 256; }
  bool has(std::string_view sig, size_t off = 0) const {
    return d_.size() >= off + sig.size() && d_.compare(off, sig.size(), sig) == 0;
  }
  uint32_t le16(size_t i) const { return at(i) | (at(i + 1) << 8); }
  uint32_t le32(size_t i) const { return le16(i) | (le16(i + 2) << 16); }
  uint32_t be32(size_t i) const {
    return (at(i) << 24) | (at(i + 1) << 16) | (at(i + 2) << 8) | at(i + 3);
  }
  bool contains(std::string_view needle, size_t limit = kScan) const {
    return d_.substr(0, std::min(limit, d_.size())).find(needle) != std::string_view::npos;
  }
  size_t size() const { return d_.size(); }
  std::string_view view() const { return d_; }

 private:
  std::string_view d_;
};

using namespace std::string_view_literals;

std::string_view sniff_zip(const Bytes& b) {
  // First local file header: name length at 26, name at 30.
  uint32_t name_len = b.le16(26);
  std::string_view name = b.size() >= 30 + name_len ? b.view().substr(30, name_len) : "";
  if (name == "mimetype") {
    uint32_t extra = b.le16(28);
    std::string_view rest = b.size() > 30 + name_len + extra
                                ? b.view().substr(30 + name_len + extra, 80)
                                : std::string_view();
    static constexpr std::string_view kOdf[] = {
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "application/vnd.oasis.opendocument.graphics",
        "application/epub+zip",
    };
    for (auto t : kOdf) {
      if (rest.starts_with(t)) return t;
    }
  }
  if (b.contains("word/"))
    return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
  if (b.contains("xl/")) return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  if (b.contains("ppt/")) {
    return "application/vnd.openxmlformats-officedocument.presentationml.presentation";
  }
  if (name == "META-INF/MANIFEST.MF" || name == "META-INF/") return "application/java-archive";
  return "application/zip";
}

std::string_view sniff_ole2(const Bytes& b) {
  // Directory entry names are UTF-16LE; look for the stream that gives the application away.
  if (b.contains("W\0o\0r\0d\0D\0o\0c\0u\0m\0e\0n\0t\0"sv)) return "application/msword";
  if (b.contains("W\0o\0r\0k\0b\0o\0o\0k\0"sv) || b.contains("B\0o\0o\0k\0"sv)) {
    return "application/vnd.ms-excel";
  }
  if (b.contains("P\0o\0w\0e\0r\0P\0o\0i\0n\0t\0"sv)) return "application/vnd.ms-powerpoint";
  if (b.contains("_\0_\0s\0u\0b\0s\0t\0g\0"sv)) return "application/vnd.ms-outlook";
  return "application/vnd.ms-office";
}

bool looks_html(std::string_view d) {
  size_t i = 0;
  if (d.starts_with("\xEF\xBB\xBF")) i = 3;
  while (i < d.size() && i < 1024 && is_fws(d[i])) ++i;
  std::string_view s = d.substr(std::min(i, d.size()));
  static constexpr std::string_view kTags[] = {"<!doctype html",
                                               "<html",
                                               "<head",
                                               "<body",
                                               "<script",
                                               "<iframe",
                                               "<meta",
                                               "<title",
                                               "<style",
                                               "<div",
                                               "<table",
                                               "<font",
                                               "<p>",
                                               "<p ",
                                               "<a ",
                                               "<br",
                                               "<h1",
                                               "<img",
                                               "<center",
                                               "<span",
                                               "<form",
                                               "<link"};
  for (auto t : kTags) {
    if (istarts_with(s, t)) return true;
  }
  return false;
}

bool looks_text(std::string_view d) {
  size_t n = std::min<size_t>(d.size(), 1024);
  if (n == 0) return false;
  size_t bad = 0;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(d[i]);
    if (c == 0) return false;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1B) ++bad;
  }
  return bad * 100 <= n;  // a stray control byte is tolerated
}

}  // namespace

std::string_view sniff_type(std::string_view data) {
  Bytes b(data);
  if (b.size() < 2) return looks_text(data) ? "text/plain" : "";
  switch (b.at(0)) {
    case '%':
      if (b.has("%PDF-")) return "application/pdf";
      if (b.has("%!PS")) return "application/postscript";
      break;
    case 'P':
      if (b.has("PK\x03\x04")) return sniff_zip(b);
      if (b.has("PK\x05\x06") || b.has("PK\x07\x08")) return "application/zip";
      break;
    case 0xD0:
      if (b.has("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) return sniff_ole2(b);
      break;
    case 'R':
      if (b.has("Rar!\x1A\x07\x00"sv) || b.has("Rar!\x1A\x07\x01\x00"sv))
        return "application/x-rar";
      if (b.has("RIFF") && b.size() >= 12) {
        if (b.has("WEBP", 8)) return "image/webp";
        if (b.has("WAVE", 8)) return "audio/wav";
        if (b.has("AVI ", 8)) return "video/x-msvideo";
      }
      break;
    case '7':
      if (b.has("7z\xBC\xAF\x27\x1C")) return "application/x-7z-compressed";
      break;
    case 0x1F:
      if (b.at(1) == 0x8B) return "application/gzip";
      break;
    case 'B':
      if (b.has("BZh") && b.at(3) >= '1' && b.at(3) <= '9') return "application/x-bzip2";
      if (b.has("BM") && b.size() >= 26) {
        uint32_t dib = b.le32(14);
        if (dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 ||
            dib == 124) {
          return "image/bmp";
        }
      }
      break;
    case 0xFD:
      if (b.has("\xFD"
                "7zXZ\x00"sv))
        return "application/x-xz";
      break;
    case 0x28:
      if (b.has("\x28\xB5\x2F\xFD")) return "application/zstd";
      break;
    case 'M':
      if (b.has("MSCF\0\0\0\0"sv)) return "application/vnd.ms-cab-compressed";
      if (b.has("MZ")) {
        uint32_t pe = b.le32(0x3C);
        if (b.size() >= 0x40 && pe < b.size() && b.has("PE\0\0"sv, pe)) {
          return "application/x-dosexec";
        }
        if (b.size() >= 0x40 && std::memchr(data.data(), 0, 0x40) != nullptr) {
          return "application/x-dosexec";  // a DOS executable without a PE header
        }
      }
      if (b.has("MM\0*"sv)) return "image/tiff";
      break;
    case 0x7F:
      if (b.has("\x7F"
                "ELF"))
        return "application/x-executable";
      break;
    case 0xFE:
    case 0xCE:
    case 0xCF:
      if (b.has("\xFE\xED\xFA\xCE") || b.has("\xFE\xED\xFA\xCF") || b.has("\xCE\xFA\xED\xFE") ||
          b.has("\xCF\xFA\xED\xFE")) {
        return "application/x-mach-binary";
      }
      break;
    case 0xCA:
      if (b.has("\xCA\xFE\xBA\xBE") && b.size() >= 8) {
        // Mach-O universal binaries hold a few architectures; Java class files put their
        // version (>= 45) in the same place.
        return b.be32(4) < 30 ? "application/x-mach-binary" : "application/java-vm";
      }
      break;
    case 0x89:
      if (b.has("\x89PNG\r\n\x1A\n")) return "image/png";
      break;
    case 0xFF:
      if (b.at(1) == 0xD8 && b.at(2) == 0xFF) return "image/jpeg";
      // MPEG audio frame sync: 11 set bits, a valid layer and bitrate.
      if ((b.at(1) & 0xE0) == 0xE0 && (b.at(1) & 0x06) != 0 && b.size() >= 4 &&
          (b.at(2) & 0xF0) != 0xF0) {
        return "audio/mpeg";
      }
      break;
    case 'G':
      if (b.has("GIF87a") || b.has("GIF89a")) return "image/gif";
      break;
    case 'I':
      if (b.has("II*\0"sv)) return "image/tiff";
      if (b.has("ID3")) return "audio/mpeg";
      break;
    case 0:
      if ((b.has("\0\0\1\0"sv) || b.has("\0\0\2\0"sv)) && b.size() >= 22) {
        uint32_t count = b.le16(4);
        if (count >= 1 && count <= 255 && b.at(9) == 0) {
          return b.at(2) == 1 ? "image/vnd.microsoft.icon" : "image/x-win-bitmap";
        }
      }
      break;
    case 'O':
      if (b.has("OggS")) return "application/ogg";
      break;
    case '{':
      if (b.has("{\\rtf")) return "application/rtf";
      break;
    default:
      break;
  }
  if (b.has("ftyp", 4)) {
    if (b.has("M4A ", 8)) return "audio/mp4";
    if (b.has("qt  ", 8)) return "video/quicktime";
    return "video/mp4";
  }
  if (b.has("CD001", 0x8001)) return "application/x-iso9660-image";
  // Readers accept a PDF header after some junk.
  if (b.contains("%PDF-", 1024)) return "application/pdf";
  if (looks_html(data)) return "text/html";
  std::string_view head = data.substr(0, 512);
  if (istarts_with(head, "<?xml")) {
    return head.find("<svg") != std::string_view::npos ? "image/svg+xml" : "application/xml";
  }
  if (looks_text(data)) return "text/plain";
  return "";
}

}  // namespace mw::mime
