// Tests for the colour side of mime/html.h: colour values, inline styles, and the count of
// text written in its background's colour (low_contrast_bytes) and of hidden text.
#include <gtest/gtest.h>

#include <string>

#include "mime/html.h"
#include "mime/html_tokens.h"

namespace mw::mime {
namespace {

using detail::colors_close;
using detail::kNoColor;
using detail::parse_color;
using detail::style_colors;

TEST(HtmlColors, ParsesValues) {
  EXPECT_EQ(parse_color("#ffffff"), 0xFFFFFF);
  EXPECT_EQ(parse_color("#FFF"), 0xFFFFFF);
  EXPECT_EQ(parse_color("#1f2933"), 0x1F2933);
  EXPECT_EQ(parse_color(" White "), 0xFFFFFF);
  EXPECT_EQ(parse_color("navy"), 0x000080);
  EXPECT_EQ(parse_color("ffffff"), 0xFFFFFF);          // legacy attribute without '#'
  EXPECT_EQ(parse_color("rgb(255, 255, 254)"), 0xFFFFFE);
  EXPECT_EQ(parse_color("rgba(0,0,0,0.5)"), 0x000000);
  EXPECT_EQ(parse_color("rgb(100%, 0%, 0%)"), 0xFF0000);
  EXPECT_EQ(parse_color("#fff !important"), 0xFFFFFF);
  EXPECT_EQ(parse_color("transparent"), kNoColor);
  EXPECT_EQ(parse_color("inherit"), kNoColor);
  EXPECT_EQ(parse_color("#12345"), kNoColor);
  EXPECT_EQ(parse_color("rgb(1,2)"), kNoColor);
  EXPECT_EQ(parse_color("bisque-ish"), kNoColor);
  EXPECT_EQ(parse_color(""), kNoColor);
}

TEST(HtmlColors, InlineStyles) {
  auto s = style_colors("font-family:Arial; color:#FEFEFE; background-color: #000");
  EXPECT_EQ(s.color, 0xFEFEFE);
  EXPECT_EQ(s.background, 0x000000);
  EXPECT_FALSE(s.background_image);
  s = style_colors("background: url(x.png) #ffffff no-repeat");
  EXPECT_EQ(s.background, 0xFFFFFF);
  EXPECT_TRUE(s.background_image);
  s = style_colors("background:rgb(10, 20, 30) ; COLOR : white");
  EXPECT_EQ(s.background, 0x0A141E);
  EXPECT_EQ(s.color, 0xFFFFFF);
  s = style_colors("background-image: linear-gradient(#000, #fff)");
  EXPECT_TRUE(s.background_image);
}

TEST(HtmlColors, Closeness) {
  EXPECT_TRUE(colors_close(0xFFFFFF, 0xFEFEFE));
  EXPECT_TRUE(colors_close(0xFFFFFF, 0xF0F0F0));
  EXPECT_FALSE(colors_close(0xFFFFFF, 0xE0E0E0));
  EXPECT_FALSE(colors_close(0xFFFFFF, 0x000000));
  EXPECT_FALSE(colors_close(kNoColor, 0xFFFFFF));
}

class HtmlContrast : public ::testing::Test {
 protected:
  HtmlText convert(std::string_view html) { return html_to_text(arena_, html, 1 << 20); }
  uint32_t low(std::string_view html) { return convert(html).info->low_contrast_bytes; }
  core::Arena arena_;
};

TEST_F(HtmlContrast, WhiteOnDefaultWhiteCounts) {
  EXPECT_EQ(low("<p>Buy now</p><font color=\"#ffffff\" size=2>salad words</font>"), 10u);  // spaces not counted
  EXPECT_EQ(low("<span style=\"color:#fefefe\">hidden</span> shown"), 6u);
  EXPECT_EQ(low("<body bgcolor=black><font color=#000001>dark on dark</font></body>"), 10u);
}

TEST_F(HtmlContrast, ReadableTextDoesNotCount) {
  // White text on a dark cell, a coloured button, a dark body.
  EXPECT_EQ(low("<table><tr><td bgcolor=\"#1f2933\" style=\"color:#ffffff\">Footer</td></tr></table>"), 0u);
  EXPECT_EQ(low("<a style=\"background:#e4572e;color:#fff\" href=\"x\">Shop now</a>"), 0u);
  EXPECT_EQ(low("<body style=\"background:#000\"><p style=\"color:white\">Night mode</p></body>"), 0u);
  EXPECT_EQ(low("<font color=red>Sale</font> <font color=\"#333333\">today</font>"), 0u);
}

TEST_F(HtmlContrast, UnknownBackgroundIsNotJudged) {
  // A stylesheet class or a background picture may paint what is behind the text.
  EXPECT_EQ(low("<style>.dark{background:#000}</style><div class=dark>"
                "<span style=\"color:#fff\">on dark</span></div>"),
            0u);
  EXPECT_EQ(low("<td background=\"hero.jpg\"><font color=white>over picture</font></td>"), 0u);
  EXPECT_EQ(low("<div style=\"background-image:url(a.png)\"><b style=\"color:#fff\">x y</b></div>"),
            0u);
  // Links get the browser's colour unless they set their own.
  EXPECT_EQ(low("<font color=white><a href=\"x\">link text</a></font>"), 0u);
}

TEST_F(HtmlContrast, ColourEndsWithItsElement) {
  EXPECT_EQ(low("<div style=\"color:#fff\">abc</div>def<p>ghi</p>"), 3u);
  // An explicit background below resets what was unknown above.
  EXPECT_EQ(low("<div class=c><p style=\"background:#fff;color:#fff\">inner</p></div>"), 5u);
}

TEST_F(HtmlContrast, HiddenBytesCounted) {
  auto r = convert("<div style=\"display:none\">preheader</div>Hello");
  EXPECT_EQ(r.info->hidden_bytes, 9u);
  EXPECT_EQ(r.info->low_contrast_bytes, 0u);
  EXPECT_EQ(convert("plain").info->hidden_bytes, 0u);
}

}  // namespace
}  // namespace mw::mime
