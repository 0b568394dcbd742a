#include "search/word_terms.h"

#include <xapian/unicode.h>

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "text/text.h"

namespace pmkb::search {

namespace {

constexpr std::size_t kMaxWordBytes = 64;  // TermGenerator's default maximum word length
constexpr char32_t kIgnored = 0xFFFFFFFF;  // an infix that joins a word but is not written

// The text's code points, or none when it has characters left to Xapian: CJK and Hangul
// (split into n-grams; everything from U+2E80 up is left, which covers them), or a byte
// sequence that is not strictly valid UTF-8 (Xapian reads those in its own way).
std::optional<std::vector<char32_t>> code_points(std::string_view text) {
  std::vector<char32_t> out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      out.push_back(lead);
      ++i;
      continue;
    }
    const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
    if (length == 0 || length > 3 || i + length > text.size()) return std::nullopt;  // 4 bytes: U+10000 up, left
    char32_t ch = lead & (length == 2 ? 0x1F : 0x0F);
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return std::nullopt;
      ch = (ch << 6) | (next & 0x3F);
    }
    const bool overlong = length == 3 && ch < 0x800;
    const bool surrogate = ch >= 0xD800 && ch <= 0xDFFF;
    if (overlong || surrogate || (ch >= 0x1100 && ch <= 0x11FF) || ch >= 0x2E80) return std::nullopt;
    out.push_back(ch);
    i += length;
  }
  return out;
}

bool is_ascii_upper(char32_t ch) { return ch >= 'A' && ch <= 'Z'; }

bool is_word_char(char32_t ch) {
  if (ch < 0x80) return (ch >= 'a' && ch <= 'z') || is_ascii_upper(ch) || (ch >= '0' && ch <= '9') || ch == '_';
  return Xapian::Unicode::is_wordchar(static_cast<unsigned>(ch));
}

char32_t lower(char32_t ch) {
  if (ch < 0x80) return is_ascii_upper(ch) ? ch + ('a' - 'A') : ch;
  return static_cast<char32_t>(Xapian::Unicode::tolower(static_cast<unsigned>(ch)));
}

bool is_digit(char32_t ch) {
  if (ch < 0x80) return ch >= '0' && ch <= '9';
  return Xapian::Unicode::get_category(static_cast<unsigned>(ch)) == Xapian::Unicode::DECIMAL_DIGIT_NUMBER;
}

bool is_ignorable(char32_t ch) { return (ch >= 0x200B && ch <= 0x200D) || ch == 0x2060 || ch == 0xFEFF; }

// What joins two words into one: between digits, number separators ("1,000.5"); otherwise
// apostrophes and ampersands ("don't", "AT&T"), a right single quote read as an apostrophe.
char32_t infix(char32_t ch, bool between_digits) {
  if (is_ignorable(ch)) return kIgnored;
  if (between_digits) {
    switch (ch) {
      case ',': case '.': case ';': case 0x037E: case 0x0589: case 0x060D: case 0x07F8: case 0x2044: case 0xFE10: case 0xFE13:
      case 0xFE14:
        return ch;
      default:
        return 0;
    }
  }
  if (ch == '\'' || ch == '&' || ch == 0xB7 || ch == 0x05F4 || ch == 0x2027) return ch;
  if (ch == 0x2019 || ch == 0x201B) return '\'';
  return 0;
}

bool is_suffix(char32_t ch) { return ch == '+' || ch == '#'; }

// Calls `word` with each word of `text`, lower-cased, as Xapian's term generator splits it.
template <typename OnWord>
void for_each_word(const std::vector<char32_t>& text, OnWord&& word) {
  const std::size_t n = text.size();
  std::string term;
  std::size_t i = 0;
  while (true) {
    while (i < n && !is_word_char(text[i])) ++i;
    if (i == n) return;
    term.clear();
    // Initials: upper-case letters each followed by a dot ("U.S.A.", "P.T.O"), two or more.
    if (is_ascii_upper(text[i])) {
      std::size_t p = i;
      do {
        text::append_utf8(term, lower(text[p++]));
      } while (p < n && text[p] == '.' && ++p < n && is_ascii_upper(text[p]));
      if (term.size() > 1 && (p == n || !is_word_char(text[p]))) {
        i = p;
        word(term);
        continue;
      }
      term.clear();
    }
    bool at_end = false;  // the word runs to the end of the text
    char32_t ch = lower(text[i]);
    while (true) {
      char32_t previous = 0;
      while (ch != 0) {
        text::append_utf8(term, ch);
        previous = ch;
        if (++i == n) {
          at_end = true;
          break;
        }
        ch = is_word_char(text[i]) ? lower(text[i]) : 0;
      }
      if (at_end || i + 1 == n || !is_word_char(text[i + 1])) break;
      const char32_t joiner = infix(text[i], is_digit(previous) && is_digit(text[i + 1]));
      if (joiner == 0) break;
      if (joiner != kIgnored) text::append_utf8(term, joiner);
      ch = lower(text[++i]);
    }
    // Up to three '+' or '#' after a word belong to it ("c++", "c#"), unless a word follows.
    if (!at_end) {
      const std::size_t length = term.size();
      for (int count = 1; is_suffix(text[i]); ++count) {
        if (count > 3) {
          term.resize(length);
          break;
        }
        text::append_utf8(term, text[i]);
        if (++i == n) {
          at_end = true;
          break;
        }
      }
      if (!at_end && is_word_char(text[i])) term.resize(length);
    }
    word(term);
  }
}

// Whether TermGenerator's STEM_SOME stems `term`: when it starts with a letter.
bool starts_with_letter(const std::string& term) {
  const auto first = static_cast<unsigned char>(term[0]);
  if (first < 0x80) return first >= 'a' && first <= 'z';
  const std::optional<std::vector<char32_t>> points = code_points(std::string_view(term).substr(0, first >= 0xE0 ? 3 : 2));
  if (!points || points->empty()) return false;
  switch (Xapian::Unicode::get_category(static_cast<unsigned>(points->front()))) {
    case Xapian::Unicode::LOWERCASE_LETTER: case Xapian::Unicode::TITLECASE_LETTER: case Xapian::Unicode::MODIFIER_LETTER:
    case Xapian::Unicode::OTHER_LETTER:
      return true;
    default:
      return false;
  }
}

}  // namespace

void add_word_terms(std::string_view text, Xapian::termcount weight, std::string_view prefix, const Xapian::Stem& stemmer,
                    Xapian::Document& doc, Stemming stemming) {
  const std::optional<std::vector<char32_t>> points = code_points(text);
  if (!points) {
    Xapian::TermGenerator generator;
    generator.set_document(doc);
    generator.set_stemmer(stemmer);
    generator.set_stemming_strategy(stemming == Stemming::Some  ? Xapian::TermGenerator::STEM_SOME
                                    : stemming == Stemming::All ? Xapian::TermGenerator::STEM_ALL
                                                                : Xapian::TermGenerator::STEM_NONE);
    generator.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
    generator.index_text_without_positions(std::string(text), weight, std::string(prefix));
    return;
  }
  std::unordered_map<std::string, Xapian::termcount> counts;
  for_each_word(*points, [&](const std::string& word) {
    if (word.size() <= kMaxWordBytes) counts[word] += weight;
  });
  std::string term(prefix);
  const std::string stem_prefix = (stemming == Stemming::Some ? "Z" : "") + std::string(prefix);
  std::string stemmed = stem_prefix;
  for (const auto& [word, wdf] : counts) {
    if (stemming != Stemming::All) {
      term.resize(prefix.size());
      doc.add_term(term += word, wdf);
    }
    if (stemming == Stemming::None || (stemming == Stemming::Some && !starts_with_letter(word))) continue;
    const std::string stem = stemmer(word);
    if (stem.empty()) continue;
    stemmed.resize(stem_prefix.size());
    doc.add_term(stemmed += stem, wdf);
  }
}

}  // namespace pmkb::search
