// ReplyChannel: the way back to a client for one request, handed to the handler with it.
//
// The HTTP server's Responder (http/server.h) and the milter server's Replier
// (milter/server.h) are both ReplyChannels; `Reply` is what the handler sends (an HTTP
// Response, a milter action list). The handler answers at once or from any later loop
// callback; the server owns the connection, the handler owns the channel, and a channel may
// outlive its connection and its server (it is then cancelled and send() does nothing).
// What dropping a channel unanswered does is the server's to say (an error reply).
// Loop affinity: every method is called from the server's loop.
#pragma once

#include <functional>

namespace mw::proto {

template <class Reply>
class ReplyChannel {
 public:
  virtual ~ReplyChannel() = default;
  // Write the reply. The first call counts; later calls, and calls after cancellation, do
  // nothing.
  virtual void send(Reply reply) = 0;
  // The reply will not be read: the client went away, the server closed the connection, or
  // the protocol withdrew the request.
  virtual bool cancelled() const = 0;
  // `cb` runs once, from the loop, if the request is cancelled before send(). It replaces an
  // earlier callback and is not called after send(). It may destroy this channel.
  virtual void set_cancel_callback(std::function<void()> cb) = 0;
};

}  // namespace mw::proto
