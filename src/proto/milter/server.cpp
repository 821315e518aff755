#include "proto/milter/server.h"

#include "proto/connection_set.h"
#include "proto/net.h"

namespace mw::proto::milter {

namespace {

constexpr size_t kReadChunk = 64 * 1024;
constexpr int kReadsPerWake = 16;

}  // namespace

class MilterConnection;

class MilterServer::Impl {
 public:
  Impl(core::Dispatcher& d, core::Logger& logger, MilterHandler& handler, MilterOptions options,
       SessionOptions session_options);

  void release(uint64_t id) { connections.release(id); }
  bool draining() const { return connections.draining(); }

  core::Dispatcher& dispatcher;
  core::Logger& logger;
  core::ModuleLog log;
  MilterHandler& handler;
  MilterOptions options;
  SessionOptions session_options;
  MilterServerStats stats;
  ConnectionSet connections;  // last: its connections use everything above
};

class ReplierImpl;

class MilterConnection final : public ServerConnection, private SessionSink {
 public:
  MilterConnection(MilterServer::Impl& server, UniqueFd fd, PeerAddress peer, uint64_t id)
      : server_(server), fd_(std::move(fd)), peer_(std::move(peer)), id_(id),
        session_(server.options, server.session_options, *this, server.logger) {
    timer_ = server_.dispatcher.create_timer([this] { on_timeout(); });
    progress_timer_ = server_.dispatcher.create_timer([this] { on_progress(); });
    message_timer_ = server_.dispatcher.create_timer([this] { on_message_timeout(); });
  }
  ~MilterConnection() override;

  void start() override {
    event_ = server_.dispatcher.create_fd_event(fd_.get(), core::kRead,
                                                [this](uint32_t ev) { on_events(ev); });
    watching_ = core::kRead;
    timer_->enable(server_.options.timeout);
  }
  void begin_drain() override {
    draining_ = true;
    if (!session_.in_message() && out_.empty()) close("draining");
  }
  void close_now() override { close("server stopped"); }
  void close(std::string_view why);
  void on_verdict(std::vector<Action>&& actions);
  void on_replier_gone(ReplierImpl* r, bool sent);

 private:
  void on_message(Message&& message) override;
  void on_abort() override;
  void on_events(uint32_t events);
  void on_timeout();
  void on_message_timeout();
  void update_message_clock();
  void end_with_tempfail(const std::string& why);
  void on_progress();
  void flush();
  void update_watch();
  void cancel_replier();
  void after_output();

  MilterServer::Impl& server_;
  UniqueFd fd_;
  PeerAddress peer_;
  uint64_t id_;
  Session session_;
  core::FdEventPtr event_;
  uint32_t watching_ = 0;
  core::TimerPtr timer_;
  core::TimerPtr progress_timer_;
  core::TimerPtr message_timer_;  // message_timeout: first packet to end of message
  bool message_clock_ = false;
  std::string in_;
  std::string staged_;  // replies produced while feeding the session, not yet in out_
  OutBuffer out_;
  ReplierImpl* replier_ = nullptr;  // not owned
  bool closed_ = false;
  bool draining_ = false;
  bool feeding_ = false;
};

class ReplierImpl final : public Replier {
 public:
  explicit ReplierImpl(MilterConnection* conn) : conn_(conn) {}
  ~ReplierImpl() override {
    if (conn_ != nullptr) conn_->on_replier_gone(this, sent_);
  }
  void send(std::vector<Action> actions) override {
    if (sent_ || cancelled_ || conn_ == nullptr) return;
    sent_ = true;
    MilterConnection* c = conn_;
    conn_ = nullptr;
    cancel_cb_ = nullptr;
    c->on_verdict(std::move(actions));
  }
  bool cancelled() const override { return cancelled_; }
  void set_cancel_callback(std::function<void()> cb) override { cancel_cb_ = std::move(cb); }
  void cancel() {
    conn_ = nullptr;
    if (sent_ || cancelled_) return;
    cancelled_ = true;
    auto cb = std::move(cancel_cb_);
    cancel_cb_ = nullptr;
    if (cb) cb();  // may destroy this replier
  }

 private:
  MilterConnection* conn_;
  bool sent_ = false;
  bool cancelled_ = false;
  std::function<void()> cancel_cb_;
};

// ---- MilterConnection -----------------------------------------------------------------------

MilterConnection::~MilterConnection() { cancel_replier(); }

void MilterConnection::cancel_replier() {
  progress_timer_->disable();
  if (replier_ == nullptr) return;
  ReplierImpl* r = replier_;
  replier_ = nullptr;
  ++server_.stats.aborted;
  r->cancel();
}

void MilterConnection::update_watch() {
  if (closed_ || !event_) return;
  uint32_t ev = core::kRead;
  if (!out_.empty()) ev |= core::kWrite;
  if (ev == watching_) return;
  event_->set_events(ev);
  watching_ = ev;
}

void MilterConnection::on_events(uint32_t events) {
  if (closed_) return;
  if (events & core::kWrite) {
    after_output();  // may close: after QUIT, or when draining between messages
    if (closed_) return;
  }
  if (!(events & core::kRead)) return;
  bool eof = false;
  for (int i = 0; i < kReadsPerWake; ++i) {
    IoResult r = read_some(fd_.get(), in_, kReadChunk);
    if (r.status == IoStatus::kOk) {
      if (r.bytes < kReadChunk) break;
      continue;
    }
    if (r.status == IoStatus::kWouldBlock) break;
    if (r.status == IoStatus::kError) {
      close("read error");
      return;
    }
    eof = true;
    break;
  }
  if (!in_.empty()) {
    if (!message_clock_ && !session_.awaiting_reply()) {
      message_clock_ = true;  // the first bytes of a conversation: its total time starts
      message_timer_->enable(server_.options.message_timeout);
    }
    std::string bytes;
    bytes.swap(in_);
    feeding_ = true;
    Status st = session_.feed(bytes, staged_);
    feeding_ = false;
    out_.append(staged_);
    staged_.clear();
    if (closed_) return;
    if (!st) {
      if (session_.over_limit()) {
        ++server_.stats.limit_errors;
      } else {
        ++server_.stats.protocol_errors;
      }
      // The session appended a tempfail for a limit; replies before the bad packet go too.
      server_.log.warn("closing milter connection from " + peer_.to_string() + ": " +
                       st.error().message);
      (void)out_.flush(fd_.get());  // best effort
      close("protocol error");
      return;
    }
    update_message_clock();
    if (!session_.awaiting_reply()) timer_->enable(server_.options.timeout);
  }
  if (eof) {
    flush();
    close(session_.finished() ? "quit" : "MTA closed the connection");
    return;
  }
  after_output();
}

// Write pending replies; close after QUIT or when draining between messages.
void MilterConnection::after_output() {
  if (closed_) return;
  flush();
  if (closed_) return;
  if (out_.empty()) {
    if (session_.finished()) {
      close("quit");
      return;
    }
    if ((draining_ || server_.draining()) && !session_.in_message()) {
      close("draining");
      return;
    }
  }
  update_watch();
}

void MilterConnection::flush() {
  IoStatus s = out_.flush(fd_.get());
  if (s == IoStatus::kError) {
    close("write error");
    return;
  }
  update_watch();
}

// The message clock runs from the first byte of a conversation until the session hands a
// message over, or is between messages with no packet half-received.
void MilterConnection::update_message_clock() {
  if (!message_clock_) return;
  if (session_.awaiting_reply() || (!session_.in_message() && !session_.mid_packet())) {
    message_clock_ = false;
    message_timer_->disable();
  }
}

void MilterConnection::on_message_timeout() {
  if (closed_ || !message_clock_ || session_.awaiting_reply()) return;
  ++server_.stats.timeouts;
  end_with_tempfail("no end of message within message_timeout (" +
                    std::to_string(server_.options.message_timeout) + "s)");
}

void MilterConnection::end_with_tempfail(const std::string& why) {
  server_.log.warn("closing milter connection from " + peer_.to_string() + ": " + why +
                   "; telling the MTA to tempfail");
  std::string out;
  (void)encode_action(out, Action::tempfail());
  out_.append(out);
  (void)out_.flush(fd_.get());  // best effort
  close("limit");
}

void MilterConnection::on_message(Message&& message) {
  ++server_.stats.messages;
  auto replier = std::make_unique<ReplierImpl>(this);
  replier_ = replier.get();
  timer_->enable(server_.options.reply_timeout);
  progress_timer_->enable(server_.options.progress_interval);
  if (server_.log.enabled(core::LogLevel::kDebug)) {
    server_.log.debug("message " + std::to_string(message.sequence) + " from " +
                      peer_.to_string() + ": " + std::to_string(message.data.size()) +
                      " bytes, " + std::to_string(message.recipients.size()) + " recipients");
  }
  // A handler must not throw; one that does gets the MTA told to tempfail.
  try {
    server_.handler.on_message(std::move(message), std::move(replier));
  } catch (const std::exception& e) {
    server_.log.error(std::string("milter handler failed: ") + e.what());
    if (replier_ != nullptr) {
      ReplierImpl* r = replier_;
      replier_ = nullptr;
      r->cancel();
      on_verdict({Action::tempfail()});
    }
  }
}

void MilterConnection::on_abort() { cancel_replier(); }

void MilterConnection::on_verdict(std::vector<Action>&& actions) {
  replier_ = nullptr;
  progress_timer_->disable();
  if (closed_) return;
  // Inside feed() (a verdict given synchronously) the reply joins the replies staged so far,
  // which keeps the packets in order; on_events() writes them when feed() returns.
  session_.reply(actions, staged_);
  timer_->enable(server_.options.timeout);
  if (feeding_) return;
  out_.append(staged_);
  staged_.clear();
  after_output();
}

void MilterConnection::on_replier_gone(ReplierImpl* r, bool sent) {
  if (replier_ == r) replier_ = nullptr;
  if (!sent && !closed_ && session_.awaiting_reply()) {
    server_.log.warn("milter handler dropped a message from " + peer_.to_string() +
                     " unanswered; telling the MTA to tempfail");
    on_verdict({Action::tempfail()});
  }
}

void MilterConnection::on_progress() {
  if (closed_ || !session_.awaiting_reply()) return;
  std::string out;
  session_.progress(out);
  out_.append(out);
  flush();
  if (!closed_) progress_timer_->enable(server_.options.progress_interval);
}

void MilterConnection::on_timeout() {
  if (closed_) return;
  ++server_.stats.timeouts;
  if (session_.awaiting_reply()) {
    server_.log.warn("no verdict within " + std::to_string(server_.options.reply_timeout) +
                     "s for a message from " + peer_.to_string() + "; telling the MTA to tempfail");
    ReplierImpl* r = replier_;
    replier_ = nullptr;
    progress_timer_->disable();
    session_.reply({Action::tempfail()}, staged_);
    out_.append(staged_);
    staged_.clear();
    if (r != nullptr) {
      ++server_.stats.aborted;
      r->cancel();
    }
    if (closed_) return;
    timer_->enable(server_.options.timeout);
    after_output();
    return;
  }
  server_.log.info("closing silent milter connection from " + peer_.to_string());
  close("timeout");
}

void MilterConnection::close(std::string_view why) {
  if (closed_) return;
  closed_ = true;
  server_.log.debug("milter connection from " + peer_.to_string() + " closed: " +
                    std::string(why));
  timer_->disable();
  progress_timer_->disable();
  message_timer_->disable();
  event_.reset();
  watching_ = 0;
  cancel_replier();
  fd_.reset();
  server_.release(id_);
}

// ---- MilterServer::Impl ---------------------------------------------------------------------

MilterServer::Impl::Impl(core::Dispatcher& d, core::Logger& logger, MilterHandler& handler,
                         MilterOptions options, SessionOptions session_options)
    : dispatcher(d), logger(logger), log(logger, "milter"), handler(handler),
      options(std::move(options)), session_options(std::move(session_options)),
      connections(d, logger, "milter", this->options.max_connections,
                  this->options.max_connections_per_ip,
                  [this](UniqueFd fd, const PeerAddress& peer, uint64_t id) {
                    ++stats.connections_accepted;
                    return std::make_unique<MilterConnection>(*this, std::move(fd), peer, id);
                  }) {}

// ---- MilterServer ---------------------------------------------------------------------------

MilterServer::MilterServer(core::Dispatcher& dispatcher, core::Logger& logger,
                           MilterHandler& handler, MilterOptions options,
                           SessionOptions session_options)
    : impl_(std::make_unique<Impl>(dispatcher, logger, handler, std::move(options),
                                   std::move(session_options))) {}

MilterServer::~MilterServer() = default;

ConnectionSet& MilterServer::connections() const { return impl_->connections; }
const MilterServerStats& MilterServer::stats() const { return impl_->stats; }

}  // namespace mw::proto::milter
