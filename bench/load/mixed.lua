-- wrk script for bench/load/run.sh: a mix of static pages (PMKB_PAGES, one URL path a line)
-- and /api/search queries (the relevance queries, PMKB_QUERIES), three pages for every two
-- searches, with a severity filter on every third search. Each wrk thread walks the lists
-- from its own offset, so the connections do not all ask for the same thing at once.
local function lines(path, skip_header, column)
  local out = {}
  local file = assert(io.open(path))
  local first = true
  for line in file:lines() do
    if not (skip_header and first) then
      local value = column and line:match("^[^\t]+\t([^\t]+)") or line
      if value and value ~= "" then table.insert(out, value) end
    end
    first = false
  end
  file:close()
  return out
end

local pages = lines(os.getenv("PMKB_PAGES"), false, false)
local queries = lines(os.getenv("PMKB_QUERIES") or "bench/relevance/queries.tsv", true, true)

local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local counter = 0
local thread_count = 0

setup = function(thread)
  thread:set("offset", thread_count * 7919)
  thread_count = thread_count + 1
end

request = function()
  counter = counter + 1
  local n = counter + (offset or 0)
  if n % 5 < 3 then
    return wrk.format("GET", pages[(n % #pages) + 1])
  end
  local path = "/api/search?q=" .. encode(queries[(n % #queries) + 1])
  if n % 3 == 0 then path = path .. "&severity=SEV1,SEV2" end
  return wrk.format("GET", path)
end
