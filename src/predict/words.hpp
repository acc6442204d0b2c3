// Small helpers for sentences people read: lists ("A, B and C"), labels inside a sentence
// ("Body mass index" -> "body mass index"; "BMI" stays) and percentages. Pure functions.
#pragma once

#include <string>
#include <vector>

namespace vitalis::predict {

std::string join_words(const std::vector<std::string>& items);
std::string in_sentence(const std::string& label);
// 0.345 -> "35 %" (digits = 0) or "34.5 %" (digits = 1).
std::string percent_text(double share, int digits = 0);

}  // namespace vitalis::predict
