-- wrk script: patient search by name prefix, cycling through one-word prefixes of one to five
-- letters, two-word prefixes, accented and case-folded forms and a prefix matching nobody (the
-- names vitalis demo-data generates).
local queries = {"m", "ma", "mar", "am%C3%A9", "AME", "bj", "bj%C3%B6r", "ros", "dubois",
  "o%27b", "gon%C3%A7", "sofia%20o", "mei%20g", "amelie%20dub", "zz", "s", "li", "kow", "nguy",
  "LEA"}
local next_query = 0
request = function()
  next_query = next_query % #queries + 1
  return wrk.format("GET", "/api/v1/patients?query=" .. queries[next_query])
end
