#include "sim/report/text_table.h"

#include <algorithm>

namespace ratesim {
namespace {

// Display width of a UTF-8 string: code points, which is right for the text we print (names, digits,
// units). Continuation bytes (10xxxxxx) do not start a code point.
size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
  }
  return width;
}

void AppendLine(const std::vector<std::string>& cells, const std::vector<TextTable::Column>& columns,
                const std::vector<size_t>& widths, std::string& out) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) line += "  ";
    const std::string padding(widths[i] - DisplayWidth(cells[i]), ' ');
    if (columns[i].align == TextTable::Align::kRight) {
      line += padding + cells[i];
    } else {
      line += cells[i] + padding;
    }
  }
  line.erase(line.find_last_not_of(' ') + 1);
  out += line;
  out += '\n';
}

}  // namespace

void TextTable::AddRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

std::string TextTable::Render() const {
  std::vector<size_t> widths(columns_.size(), 0);
  std::vector<std::string> headers;
  for (size_t i = 0; i < columns_.size(); ++i) {
    headers.push_back(columns_[i].header);
    widths[i] = DisplayWidth(columns_[i].header);
  }
  for (const std::vector<std::string>& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  std::string out;
  AppendLine(headers, columns_, widths, out);
  std::vector<std::string> rule;
  for (const size_t width : widths) rule.push_back(std::string(width, '-'));
  AppendLine(rule, columns_, widths, out);
  for (const std::vector<std::string>& row : rows_) AppendLine(row, columns_, widths, out);
  return out;
}

}  // namespace ratesim
