#include "scan/anomalies_module.h"

#include <string>

#include "mime/message.h"
#include "scan/callback_symbols.h"
#include "scan/engine.h"
#include "scan/task.h"

namespace mw::scan {

namespace {

struct AnomalySymbol {
  mime::Anomaly anomaly;
  const char* description;
};

// The anomalies worth a symbol of their own. Informational ones (line endings) are not.
constexpr AnomalySymbol kSymbols[] = {
    {mime::Anomaly::kMessageTruncated, "Message larger than the parse limit; the rest was not scanned"},
    {mime::Anomaly::kHeadersTruncated, "More header fields than the limit; the rest were not parsed"},
    {mime::Anomaly::kHeaderTooLong, "A header field longer than the limit was cut"},
    {mime::Anomaly::kMimeTooDeep, "MIME nesting deeper than the limit; deeper parts not parsed"},
    {mime::Anomaly::kTooManyParts, "More MIME parts than the limit; the rest were not parsed"},
    {mime::Anomaly::kNoHeaders, "The message has no header block"},
    {mime::Anomaly::kBadHeaderLine, "A line in the header block is not a header field"},
    {mime::Anomaly::kEightBitHeader, "Raw 8-bit bytes in header values"},
    {mime::Anomaly::kBadEncodedWord, "Broken RFC 2047 encoded word in a header"},
    {mime::Anomaly::kMissingBoundary, "Multipart without a boundary parameter"},
    {mime::Anomaly::kBoundaryNotFound, "Multipart whose boundary never occurs"},
    {mime::Anomaly::kUnclosedMultipart, "Multipart without a closing boundary"},
    {mime::Anomaly::kDuplicateBoundary, "Nested multipart reusing a parent boundary"},
    {mime::Anomaly::kBadBase64, "Invalid base64 content"},
    {mime::Anomaly::kBadQuotedPrintable, "Invalid quoted-printable content"},
    {mime::Anomaly::kUnknownTransferEncoding, "Unknown Content-Transfer-Encoding"},
    {mime::Anomaly::kUuencodeFound, "uuencoded data inside a text part"},
    {mime::Anomaly::kBadCharset, "Declared charset unknown or wrong for the text"},
    {mime::Anomaly::kMissingCharset, "8-bit text without a declared charset"},
    {mime::Anomaly::kInvalidUtf8, "Text declared UTF-8 is not valid UTF-8"},
    {mime::Anomaly::kNulBytes, "NUL bytes in text"},
    {mime::Anomaly::kHtmlUnbalanced, "HTML with unbalanced or unclosed tags"},
    {mime::Anomaly::kDuplicateHeader, "A header that must be unique appears more than once"},
};

class AnomaliesModule final : public Module {
 public:
  std::string_view name() const override { return "anomalies"; }
  void declare_options(core::Schema&) const override {}

  Status configure(Engine& engine, core::Logger&) override {
    auto callback = [](Task& task, SymbolId) {
      if (!task.has_message()) return RunState::kDone;
      const mime::AnomalySet& set = task.message().anomalies;
      for (const auto& s : kSymbols) {
        if (set.has(s.anomaly)) task.insert_result(mime::anomaly_name(s.anomaly), 1.0);
      }
      return RunState::kDone;
    };
    SymbolDef parent = module_callback(name(), "MIME_ANOMALIES", "", "", std::move(callback));
    parent.flags = kFlagEmpty;
    auto pid = engine.registry.add(std::move(parent));
    if (!pid) return fail(pid.error());
    for (const auto& s : kSymbols) {
      SymbolDef d = engine.registry.virtual_of(*pid, std::string(mime::anomaly_name(s.anomaly)),
                                               s.description);
      d.groups = {"mime"};
      auto id = engine.registry.add(std::move(d));
      if (!id) return fail(id.error());
    }
    return {};
  }
};

}  // namespace

ModulePtr make_anomalies_module() { return std::make_unique<AnomaliesModule>(); }

}  // namespace mw::scan
