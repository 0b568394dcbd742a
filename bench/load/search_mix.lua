-- wrk script: every request asks /api/search one of the relevance queries in turn, with a
-- filter on every third, so the server answers a realistic mix rather than one query.
-- With PMKB_UNCACHED=1 each request also carries a distinct no-op parameter, so that no
-- answer comes from the server's cache: every request runs the whole Xapian search.
local queries = {}
local file = io.open(os.getenv("PMKB_QUERIES") or "bench/relevance/queries.tsv")
local first = true
for line in file:lines() do
  if not first then
    local query = line:match("^[^\t]+\t([^\t]+)")
    if query then table.insert(queries, query) end
  end
  first = false
end
file:close()

local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local uncached = os.getenv("PMKB_UNCACHED") == "1"
local counter = 0
request = function()
  counter = counter + 1
  local q = queries[(counter % #queries) + 1]
  local path = "/api/search?q=" .. encode(q)
  if counter % 3 == 0 then path = path .. "&severity=SEV1,SEV2" end
  if uncached then path = path .. "&n=" .. counter end
  return wrk.format("GET", path)
end
