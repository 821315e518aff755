// Content type sniffing from magic bytes (internal header).
//
// A small table of signatures of our own (not libmagic: that is too slow per message). Only
// the first bytes are looked at (and offset 0x8001 for ISO 9660 images), so the cost does not
// depend on the size of the data.
//
// Recognised: PDF, ZIP (OOXML documents and ODF told apart by their first entry), OLE2
// compound files (doc/xls/ppt/msg), RAR, 7z, gzip, bzip2, xz, zstd, CAB, PE/MZ executables,
// ELF, Mach-O (and Java class files, which share a magic), PNG, JPEG, GIF, BMP, TIFF, WebP,
// ICO, ISO 9660, MP3, MP4/M4A/MOV, WAV, AVI, Ogg, HTML, XML, RTF, PostScript, and a plain text
// guess for data without binary bytes.
//
// Failure modes: none; "" means not recognised.
#pragma once

#include <string_view>

namespace mw::mime {

// MIME type of `data` by its signature, or "" when unknown. The result is a static string.
std::string_view sniff_type(std::string_view data);

}  // namespace mw::mime
