// Tests for mime/html.h: HTML to visible text, entities, links, images, forms.
#include "mime/html.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "mime/html_entities.h"

namespace mw::mime {
namespace {

class HtmlTest : public ::testing::Test {
 protected:
  HtmlText convert(std::string_view html, size_t max = 1 << 20) {
    return html_to_text(arena_, html, max);
  }
  std::string text(std::string_view html) { return std::string(convert(html).text); }
  std::string decode(std::string_view s) { return std::string(decode_entities(arena_, s)); }

  core::Arena arena_;
};

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    size_t n = detail::utf8_sequence_length(p, end);
    if (n == 0) return false;
    p += n;
  }
  return true;
}

// --- text and whitespace -----------------------------------------------------------------

TEST_F(HtmlTest, PlainTextPassesThrough) {
  EXPECT_EQ(text("Hello world"), "Hello world");
  EXPECT_EQ(text(""), "");
  EXPECT_EQ(text("   "), "");
}

TEST_F(HtmlTest, WhitespaceCollapses) {
  EXPECT_EQ(text("  Hello \n\t  world  \r\n"), "Hello world");
  EXPECT_EQ(text("a<b> b </b>c"), "a b c");
  EXPECT_EQ(text("a<span></span>b"), "ab");
  EXPECT_EQ(text("<p>  lead and trail  </p>"), "lead and trail");
}

TEST_F(HtmlTest, BlocksBecomeLineBreaks) {
  EXPECT_EQ(text("<div>one</div><div>two</div>"), "one\ntwo");
  EXPECT_EQ(text("<p>one</p><p>two</p>"), "one\n\ntwo");
  EXPECT_EQ(text("one<br>two<br/>three<BR >four"), "one\ntwo\nthree\nfour");
  EXPECT_EQ(text("one<br><br>two"), "one\n\ntwo");
  EXPECT_EQ(text("one<br><br><br><br>two"), "one\n\ntwo");  // at most one blank line
  EXPECT_EQ(text("<h1>Title</h1>Body"), "Title\n\nBody");
  EXPECT_EQ(text("<ul><li>a</li><li>b</li></ul>after"), "a\nb\n\nafter");
  EXPECT_EQ(text("x<hr>y"), "x\ny");
  EXPECT_EQ(text("<blockquote>q</blockquote>r"), "q\n\nr");
  EXPECT_EQ(text("<br><br>start"), "start");  // no leading breaks
  EXPECT_EQ(text("end<br><br>"), "end");      // no trailing breaks
  EXPECT_EQ(text("a</br>b"), "a\nb");         // "</br>" acts as <br>
  EXPECT_EQ(text("a</p>b"), "a\n\nb");        // stray </p> makes an empty paragraph
}

TEST_F(HtmlTest, TableCellsSeparatedByTab) {
  EXPECT_EQ(text("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>"),
            "a\tb\nc\td");
  // Implied end tags: unclosed cells and rows.
  EXPECT_EQ(text("<table><tr><td>a<td>b<tr><td>c</table>x"), "a\tb\nc\nx");
}

TEST_F(HtmlTest, PreKeepsNewlines) {
  EXPECT_EQ(text("<pre>line 1\nline   2\n\n\n\nline 3</pre>after"),
            "line 1\nline 2\n\nline 3\n\nafter");
}

TEST_F(HtmlTest, ImpliedParagraphAndListEnds) {
  EXPECT_EQ(text("<p>one<p>two<div>three</div>"), "one\n\ntwo\n\nthree");
  EXPECT_EQ(text("<ul><li>a<li>b</ul>"), "a\nb");
  auto r = convert("<ul><li>a<li>b</ul>");
  EXPECT_FALSE(r.info->unbalanced);
}

// --- entities ----------------------------------------------------------------------------

TEST_F(HtmlTest, NamedEntities) {
  EXPECT_EQ(text("&amp; &lt; &gt; &quot; &apos;"), "& < > \" '");
  EXPECT_EQ(text("&copy;&reg;&euro;&hellip;&mdash;&ndash;"),
            "\u00A9\u00AE\u20AC\u2026\u2014\u2013");
  EXPECT_EQ(text("&lsquo;x&rsquo; &ldquo;y&rdquo;"), "\u2018x\u2019 \u201Cy\u201D");
  EXPECT_EQ(text("caf&eacute; &Eacute;t&eacute; &uuml;ber &ntilde; &szlig; &Oslash;"),
            "caf\u00E9 \u00C9t\u00E9 \u00FCber \u00F1 \u00DF \u00D8");
  EXPECT_EQ(text("V&zwnj;i&zwj;a"), "V\u200Ci\u200Da");
  EXPECT_EQ(text("&trade; &bull; &middot; &times; &divide; &frac12; &deg;"),
            "\u2122 \u2022 \u00B7 \u00D7 \u00F7 \u00BD \u00B0");
  EXPECT_EQ(text("&NotEqualTilde;"), "\u2242\u0338");  // two code points
  EXPECT_EQ(text("&CounterClockwiseContourIntegral;"), "\u2233");  // longest name
  EXPECT_GE(detail::named_reference_count(), 2000u);
}

TEST_F(HtmlTest, NbspIsACollapsibleSpace) {
  EXPECT_EQ(text("a&nbsp;&nbsp;&nbsp;b"), "a b");
  EXPECT_EQ(text("<p>&nbsp;</p><p>x</p>"), "x");
  EXPECT_EQ(text("a\xC2\xA0" "b"), "a b");  // raw U+00A0
}

TEST_F(HtmlTest, EntitiesWithoutSemicolon) {
  // Legacy names are accepted without ';', also as a prefix (as browsers do).
  EXPECT_EQ(text("AT&ampT &copy 2024 &lt;tag&gt"), "AT&T \u00A9 2024 <tag>");
  EXPECT_EQ(text("&copy2024"), "\u00A92024");
  EXPECT_EQ(text("&notit;"), "\u00ACit;");
  EXPECT_EQ(text("&notin;"), "\u2209");
  // Names that need ';' are left alone without it.
  EXPECT_EQ(text("&hellip and &euro"), "&hellip and &euro");
  // Unknown names and lone ampersands are text.
  EXPECT_EQ(text("a & b &foo; &;"), "a & b &foo; &;");
  EXPECT_EQ(text("&AMP; &Amp; &amp"), "& &Amp; &");  // names are case-sensitive
}

TEST_F(HtmlTest, NumericReferences) {
  EXPECT_EQ(text("&#65;&#x42;&#X43;&#0068;"), "ABCD");
  EXPECT_EQ(text("&#65&#x42 x"), "AB x");  // semicolon optional
  EXPECT_EQ(text("&#x20AC; &#8364;"), "\u20AC \u20AC");
  EXPECT_EQ(text("&#x1F600;"), "\U0001F600");
  EXPECT_EQ(text("&#0;"), "\uFFFD");
  EXPECT_EQ(text("&#xD800;"), "\uFFFD");                // surrogate
  EXPECT_EQ(text("&#x110000;"), "\uFFFD");              // above U+10FFFF
  EXPECT_EQ(text("&#99999999999999999999;"), "\uFFFD");  // overflow
  EXPECT_EQ(text("&#x80;&#x99;&#150;"), "\u20AC\u2122\u2013");  // windows-1252 C1 map
  EXPECT_EQ(text("&#; &#x; &#xZ"), "&#; &#x; &#xZ");     // no digits: not a reference
  EXPECT_EQ(text("a&#32;&#9;&#10;b"), "a b");            // whitespace collapses
  EXPECT_EQ(text("a&#1;b"), "ab");                       // control characters dropped
}

TEST_F(HtmlTest, DecodeEntitiesForAttributes) {
  EXPECT_EQ(decode("http://x.com/?a=1&amp;b=2"), "http://x.com/?a=1&b=2");
  // Attribute rule: a legacy name without ';' followed by '=' or alnum stays as written.
  EXPECT_EQ(decode("?a=1&copy=2&reg3"), "?a=1&copy=2&reg3");
  EXPECT_EQ(decode("&copy 2024"), "\u00A9 2024");
  EXPECT_EQ(decode("&#104;&#116;tp"), "http");
  std::string plain = "no references";
  std::string_view v = decode_entities(arena_, plain);
  EXPECT_EQ(v.data(), plain.data());  // a view of the input when nothing to decode
  EXPECT_EQ(decode(""), "");
}

// --- dropped content ---------------------------------------------------------------------

TEST_F(HtmlTest, ScriptStyleHeadTitleDropped) {
  std::string html =
      "<html><head><title>Secret title</title><style>p { color: red }</style>"
      "<script>var a = '<b>not text</b>'; if (a < b) {}</script></head>"
      "<body>Visible<SCRIPT type=text/javascript>alert('x')</SCRIPT> text</body></html>";
  auto r = convert(html);
  EXPECT_EQ(r.text, "Visible text");
  EXPECT_TRUE(r.info->has_script);
  EXPECT_FALSE(r.info->unbalanced);
}

TEST_F(HtmlTest, CommentsAndDeclarationsDropped) {
  EXPECT_EQ(text("<!DOCTYPE html>a<!-- hidden <b>x</b> -->b"), "ab");
  EXPECT_EQ(text("a<!-->b"), "ab");
  EXPECT_EQ(text("a<!--->b"), "ab");
  EXPECT_EQ(text("a<!-- x --!>b"), "ab");
  EXPECT_EQ(text("a<!---->b"), "ab");
  EXPECT_EQ(text("a<![CDATA[hidden]]>b"), "ab");
  EXPECT_EQ(text("a<?xml version=\"1.0\"?>b"), "ab");
  EXPECT_EQ(text("a<?php echo 1 ?>b"), "ab");
  EXPECT_EQ(text("a<template><p>inert</p></template>b"), "ab");
  EXPECT_EQ(text("a<iframe src=x>fallback</iframe>b"), "ab");
  auto r = convert("visible<!-- never closed <p>text");
  EXPECT_EQ(r.text, "visible");
  EXPECT_TRUE(r.info->unbalanced);
}

TEST_F(HtmlTest, ConditionalCommentsFromOutlook) {
  EXPECT_EQ(text("<!--[if mso]><table><tr><td>mso only</td></tr></table><![endif]-->Hi"), "Hi");
  EXPECT_EQ(text("<!--[if !mso]><!-->shown<!--<![endif]-->"), "shown");
}

TEST_F(HtmlTest, RawTextEndTagMatching) {
  // "</scr" + "ipt>" is not an end tag: the script runs to the real one.
  EXPECT_EQ(text("<script>document.write('</scr' + 'ipt>')</script>after"), "after");
  EXPECT_EQ(text("<script>a</SCRIPT >b"), "b");
  EXPECT_EQ(text("<style>a{}</styled></style>x"), "x");
  EXPECT_EQ(text("<xmp><b>literal</b> &amp;</xmp>"), "<b>literal</b> &amp;");
  EXPECT_EQ(text("<textarea>a &amp; <b>b</b></textarea>"), "a & <b>b</b>");
  EXPECT_EQ(text("x<plaintext><b>all</b> &amp; rest"), "x\n<b>all</b> &amp; rest");
  auto r = convert("a<script>never closed");
  EXPECT_EQ(r.text, "a");
  EXPECT_TRUE(r.info->unbalanced);
}

// --- malformed markup --------------------------------------------------------------------

TEST_F(HtmlTest, LessThanInText) {
  EXPECT_EQ(text("1 < 2 and 3 <4"), "1 < 2 and 3 <4");
  EXPECT_EQ(text("a <= b"), "a <= b");
  EXPECT_EQ(text("trailing <"), "trailing <");
  EXPECT_EQ(text("trailing </"), "trailing </");
  EXPECT_EQ(text("x </> y"), "x y");
  EXPECT_EQ(text("x </ y> z"), "x z");  // bogus comment
}

TEST_F(HtmlTest, BrokenTags) {
  auto r = convert("<a href=x<b>link</a>");
  ASSERT_EQ(r.info->links.size(), 1u);
  EXPECT_EQ(r.info->links[0].href, "x<b");
  EXPECT_EQ(r.info->links[0].text, "link");
  EXPECT_EQ(r.text, "link");

  r = convert("before<a href=\"x>y\nz\">text</a>");
  ASSERT_EQ(r.info->links.size(), 1u);
  EXPECT_EQ(r.info->links[0].href, "x>y\nz");
  EXPECT_EQ(r.text, "beforetext");

  // The input ends inside a tag: the tag is dropped, as in a browser.
  r = convert("text<a href=\"unterminated>more");
  EXPECT_EQ(r.text, "text");
  EXPECT_TRUE(r.info->unbalanced);

  EXPECT_EQ(text("<div\nclass=x\n>multi-line tag</div>"), "multi-line tag");
  EXPECT_EQ(text("<p/>self<br/>closed"), "self\nclosed");
  EXPECT_EQ(text("<a href='x' title=\"a>b\">q</a>"), "q");
}

TEST_F(HtmlTest, UnbalancedDetection) {
  EXPECT_FALSE(convert("<div><b>x</b></div>").info->unbalanced);
  EXPECT_FALSE(convert("<p>a<p>b<table><tr><td>c</table>").info->unbalanced);
  EXPECT_FALSE(convert("<html><body>x").info->unbalanced);  // optional end tags
  EXPECT_TRUE(convert("<div>x").info->unbalanced);
  EXPECT_TRUE(convert("x</div>").info->unbalanced);
  EXPECT_TRUE(convert("<b><i>x</b></i>").info->unbalanced);
  EXPECT_TRUE(convert("<o:p>x").info->unbalanced);
  EXPECT_FALSE(convert("<o:p>x</o:p><o:p/>").info->unbalanced);
}

TEST_F(HtmlTest, TagCount) {
  auto r = convert("<html><body><p>a<br>b</p><!-- c --></body></html>");
  EXPECT_EQ(r.info->tags, 7u);
}

TEST_F(HtmlTest, DeepNestingIsBounded) {
  std::string html;
  for (int i = 0; i < 10000; ++i) html += "<div><span>";
  html += "deep";
  for (int i = 0; i < 10000; ++i) html += "</span></div>";
  auto r = convert(html);
  EXPECT_EQ(r.text, "deep");
  EXPECT_EQ(r.info->tags, 40000u);
}

// --- hidden text -------------------------------------------------------------------------

TEST_F(HtmlTest, HiddenTextSeparated) {
  auto r = convert(
      "<div style=\"display:none\">preheader</div>Hello "
      "<span style='font-size:0px'>zero</span>world"
      "<p hidden>attr</p><div style='VISIBILITY : Hidden !important'>vis</div>"
      "<div style=\"max-height:0;overflow:hidden\">collapsed</div>"
      "<span style=\"font-size:12px\">shown</span><div>block</div>");
  // Hidden blocks generate no box: "shown" follows "world" on the same line.
  EXPECT_EQ(r.text, "Hello worldshown\nblock");
  EXPECT_EQ(r.hidden_text, "preheader\nzero\n\nattr\n\nvis\ncollapsed");
}

TEST_F(HtmlTest, HiddenContextEndsWithElement) {
  auto r = convert("<div style=display:none><b>in</b><div>deeper</div></div>out");
  EXPECT_EQ(r.text, "out");
  EXPECT_EQ(r.hidden_text, "in\ndeeper");
}

// --- links, images, forms ----------------------------------------------------------------

TEST_F(HtmlTest, LinksWithAnchorText) {
  auto r = convert(
      "<a href=\"https://bank.example/login\">  https://bank.example  </a>\n"
      "<A HREF='http://evil.test/?a=1&amp;b=2'>Click\n   <b>here</b></A>"
      "<a name=top>no href</a><a href=>empty</a>"
      "<area href=\"http://map.test/\" alt=x>");
  ASSERT_EQ(r.info->links.size(), 4u);
  EXPECT_EQ(r.info->links[0].href, "https://bank.example/login");
  EXPECT_EQ(r.info->links[0].text, "https://bank.example");
  EXPECT_EQ(r.info->links[1].href, "http://evil.test/?a=1&b=2");
  EXPECT_EQ(r.info->links[1].text, "Click here");
  EXPECT_EQ(r.info->links[2].href, "");
  EXPECT_EQ(r.info->links[2].text, "empty");
  EXPECT_EQ(r.info->links[3].href, "http://map.test/");
  EXPECT_EQ(r.info->links[3].text, "");
}

TEST_F(HtmlTest, AnchorTextAcrossBlocksIsCollapsed) {
  auto r = convert("<a href=x><div>line one</div><div>line two</div></a>");
  ASSERT_EQ(r.info->links.size(), 1u);
  EXPECT_EQ(r.info->links[0].text, "line one line two");
  EXPECT_EQ(r.text, "line one\nline two");
}

TEST_F(HtmlTest, NestedAnchorsCloseThePrevious) {
  auto r = convert("<a href=1>one<a href=2>two</a>three");
  ASSERT_EQ(r.info->links.size(), 2u);
  EXPECT_EQ(r.info->links[0].text, "one");
  EXPECT_EQ(r.info->links[1].text, "two");
  // Unclosed anchor: text runs to the end.
  r = convert("<a href=1>open to the end");
  ASSERT_EQ(r.info->links.size(), 1u);
  EXPECT_EQ(r.info->links[0].text, "open to the end");
}

TEST_F(HtmlTest, HiddenAnchorTextIsEmpty) {
  auto r = convert("<a href=h style=display:none>secret</a>visible");
  ASSERT_EQ(r.info->links.size(), 1u);
  EXPECT_EQ(r.info->links[0].text, "");
  EXPECT_EQ(r.text, "visible");
}

TEST_F(HtmlTest, HrefWhitespaceTrimmedAndEntitiesDecoded) {
  auto r = convert("<a href=\" \n&#104;ttp://x.test/&#x3F;q \t\">t</a>");
  ASSERT_EQ(r.info->links.size(), 1u);
  EXPECT_EQ(r.info->links[0].href, "http://x.test/?q");
}

TEST_F(HtmlTest, Images) {
  auto r = convert(
      "<img src=\"http://img.test/a.png\" alt=logo><IMG SRC=b.gif>"
      "<img src=\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlE\">"
      "<table background=\"http://img.test/bg.jpg\"><tr><td>x</td></tr></table>"
      "<input type=image src=button.png><img alt=nosrc>");
  ASSERT_EQ(r.info->images.size(), 5u);
  EXPECT_EQ(r.info->images[0], "http://img.test/a.png");
  EXPECT_EQ(r.info->images[1], "b.gif");
  EXPECT_EQ(r.info->images[2], "data:image/png;base64,");
  EXPECT_EQ(r.info->images[3], "http://img.test/bg.jpg");
  EXPECT_EQ(r.info->images[4], "button.png");
}

TEST_F(HtmlTest, FormsAndPasswords) {
  auto r = convert(
      "<form action=\"https://phish.test/collect.php\" method=POST>"
      "User <input type=text name=u> Pass <input type=\"PassWord\" name=p>"
      "<form action=nested>ignored</form></form>"
      "<form action='/search'><input name=q></form>"
      "<input type=password name=orphan>");
  ASSERT_EQ(r.info->forms.size(), 3u);
  EXPECT_EQ(r.info->forms[0].action, "https://phish.test/collect.php");
  EXPECT_EQ(r.info->forms[0].method, "post");
  EXPECT_TRUE(r.info->forms[0].has_password);
  EXPECT_EQ(r.info->forms[1].action, "/search");
  EXPECT_EQ(r.info->forms[1].method, "");
  EXPECT_FALSE(r.info->forms[1].has_password);
  EXPECT_EQ(r.info->forms[2].action, "");
  EXPECT_TRUE(r.info->forms[2].has_password);
}

TEST_F(HtmlTest, ScriptIframeCssFlags) {
  auto plain = convert("<p>nothing</p>");
  EXPECT_FALSE(plain.info->has_script);
  EXPECT_FALSE(plain.info->has_iframe);
  EXPECT_FALSE(plain.info->has_external_css);
  EXPECT_TRUE(convert("<body onload=\"x()\">t</body>").info->has_script);
  EXPECT_TRUE(convert("<iframe src=\"http://x\"></iframe>").info->has_iframe);
  EXPECT_TRUE(convert("<frameset><frame src=a></frameset>").info->has_iframe);
  EXPECT_TRUE(convert("<link rel=\"Stylesheet\" href=\"http://x/a.css\">").info->has_external_css);
  EXPECT_FALSE(convert("<link rel=icon href=\"/f.ico\">").info->has_external_css);
  EXPECT_TRUE(convert("<style>@import url(http://x/a.css);</style>").info->has_external_css);
}

TEST_F(HtmlTest, Limits) {
  HtmlLimits limits;
  limits.max_links = 2;
  limits.max_images = 1;
  limits.max_forms = 1;
  auto r = html_to_text(arena_,
                        "<a href=1>a</a><a href=2>b</a><a href=3>c</a><img src=x><img src=y>"
                        "<form action=f1></form><form action=f2></form>",
                        limits);
  EXPECT_EQ(r.info->links.size(), 2u);
  EXPECT_EQ(r.info->images.size(), 1u);
  EXPECT_EQ(r.info->forms.size(), 1u);
  EXPECT_EQ(r.text, "abc");
}

// --- output bounds and UTF-8 -------------------------------------------------------------

TEST_F(HtmlTest, MaxSizeCutsOnCharacterBoundary) {
  auto r = convert("abc \xC3\xA9\xC3\xA9\xC3\xA9 def", 6);
  EXPECT_EQ(r.text, "abc \xC3\xA9");
  EXPECT_TRUE(r.truncated);
  r = convert("<a href=x>0123456789</a><a href=y>tail</a>", 5);
  EXPECT_EQ(r.text, "01234");
  ASSERT_EQ(r.info->links.size(), 2u);  // links past the cut are still recorded
  EXPECT_EQ(r.info->links[0].text, "01234");
  EXPECT_EQ(r.info->links[1].text, "");
  EXPECT_FALSE(convert("short", 100).truncated);
}

TEST_F(HtmlTest, InvalidUtf8IsRepaired) {
  auto r = convert("a\xFF" "b\xC3" "c\xE2\x82" " \xED\xA0\x80 ok \xF0\x9F\x98\x80");
  EXPECT_TRUE(valid_utf8(r.text));
  EXPECT_EQ(r.text, "a\uFFFDb\uFFFDc\uFFFD\uFFFD \uFFFD\uFFFD\uFFFD ok \U0001F600");
}

TEST_F(HtmlTest, NulAndControlsDropped) {
  EXPECT_EQ(text(std::string_view("a\0b\x01" "c\x7F", 6)), "abc");
}

// --- a typical marketing mail ------------------------------------------------------------

TEST_F(HtmlTest, MarketingMail) {
  std::string html = R"(<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>Spring Sale</title>
<style type="text/css">
  body { margin: 0; } .btn { color: #fff; }
</style>
<!--[if mso]><style>td { font-family: Arial; }</style><![endif]-->
</head>
<body>
<div style="display:none;font-size:1px;max-height:0px;overflow:hidden;">
  Up to 50% off everything &ndash; this weekend only&nbsp;&zwnj;&nbsp;&zwnj;
</div>
<table width="100%" cellpadding="0" cellspacing="0" border="0">
  <tr>
    <td align="center">
      <img src="https://cdn.shop.example/logo.png" width="120" alt="Shop">
    </td>
  </tr>
  <tr>
    <td>
      <h1>Spring&nbsp;Sale</h1>
      <p>Dear customer,</p>
      <p>Save up to <strong>50%</strong> on all items.<br>
         Offer ends Sunday&hellip;</p>
      <a href="https://click.shop.example/?u=abc&amp;id=42" class="btn">Shop now &raquo;</a>
    </td>
  </tr>
  <tr>
    <td style="font-size:11px;color:#999">
      &copy; 2024 Shop Inc. &middot; <a href="https://shop.example/unsubscribe">Unsubscribe</a>
    </td>
  </tr>
</table>
</body>
</html>
)";
  auto r = convert(html);
  EXPECT_EQ(r.text,
            "Spring Sale\n\n"
            "Dear customer,\n\n"
            "Save up to 50% on all items.\n"
            "Offer ends Sunday\u2026\n\n"
            "Shop now \u00BB\n"
            "\u00A9 2024 Shop Inc. \u00B7 Unsubscribe");
  EXPECT_EQ(r.hidden_text,
            "Up to 50% off everything \u2013 this weekend only \u200C \u200C");
  ASSERT_EQ(r.info->links.size(), 2u);
  EXPECT_EQ(r.info->links[0].href, "https://click.shop.example/?u=abc&id=42");
  EXPECT_EQ(r.info->links[0].text, "Shop now \u00BB");
  EXPECT_EQ(r.info->links[1].text, "Unsubscribe");
  ASSERT_EQ(r.info->images.size(), 1u);
  EXPECT_EQ(r.info->images[0], "https://cdn.shop.example/logo.png");
  EXPECT_FALSE(r.info->has_script);
  EXPECT_FALSE(r.info->unbalanced);
  EXPECT_GT(r.info->tags, 30u);
}

// --- robustness --------------------------------------------------------------------------

TEST_F(HtmlTest, PathologicalInputsAreLinear) {
  // Patterns that make naive tokenizers quadratic; each must finish quickly.
  const std::string patterns[] = {"<", "<a", "</x", "<!--", "&", "&#", "&amp", "<a href='",
                                  "</div>", "<b><i>", "<x>", "</y>", "<script>", "<p>"};
  for (const std::string& pat : patterns) {
    std::string input;
    while (input.size() < (1u << 20)) input += pat;
    auto start = std::chrono::steady_clock::now();
    auto r = convert(input);
    double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(secs, 2.0) << pat;
    EXPECT_TRUE(valid_utf8(r.text)) << pat;
  }
}

TEST_F(HtmlTest, CorpusHtmlFilesConvert) {
  // Every HTML sample of the shared spam corpus converts to valid UTF-8, without markup
  // left in the text, and yields links. (Raw message files from the first "<html" on; the
  // MIME framing after it is treated as text, which is fine for this check.)
  namespace fs = std::filesystem;
  const fs::path base = fs::path(MW_TESTDATA_DIR) / "corpus" / "spamassassin" / "spam";
  ASSERT_TRUE(fs::is_directory(base)) << base;
  int converted = 0;
  size_t links = 0;
  for (const auto& entry : fs::recursive_directory_iterator(base)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t pos = data.find("<html");
    if (pos == std::string::npos) pos = data.find("<HTML");
    if (pos == std::string::npos) continue;
    auto r = convert(std::string_view(data).substr(pos));
    EXPECT_TRUE(valid_utf8(r.text)) << entry.path();
    EXPECT_EQ(r.text.find("<body"), std::string_view::npos) << entry.path();
    EXPECT_EQ(r.text.find("<BODY"), std::string_view::npos) << entry.path();
    links += r.info->links.size();
    ++converted;
  }
  EXPECT_GE(converted, 5);
  EXPECT_GE(links, 5u);
}

}  // namespace
}  // namespace mw::mime
