-- wrk script (bench/care.py): books distinct slots. BOOK_PAIRS is a file of "token doctor_id"
-- lines (a patient's access token and their own doctor); wrk thread t of BOOK_THREADS takes the
-- pairs t, t + BOOK_THREADS, ...; each pair books its doctor's quarter hours one after another
-- from BOOK_FIRST (Unix seconds), so no request asks for a time anyone has.
local started = 0
function setup(thread)
  thread:set("index", started)
  started = started + 1
end

local mine, counter, first = {}, 0, 0
function init(args)
  local step = tonumber(os.getenv("BOOK_THREADS"))
  first = tonumber(os.getenv("BOOK_FIRST"))
  local n = 0
  for line in io.lines(os.getenv("BOOK_PAIRS")) do
    if n % step == index then
      local token, doctor = line:match("(%S+) (%d+)")
      table.insert(mine, { token = token, doctor = doctor })
    end
    n = n + 1
  end
end

function request()
  local pair = mine[counter % #mine + 1]
  local slot = math.floor(counter / #mine)
  counter = counter + 1
  local starts = os.date("!%Y-%m-%dT%H:%M:%SZ", first + slot * 900)
  return wrk.format("POST", "/api/v1/care/appointments",
    { ["Authorization"] = "Bearer " .. pair.token, ["Content-Type"] = "application/json" },
    '{"doctor_id":' .. pair.doctor .. ',"starts_at":"' .. starts .. '","reason":"bench"}')
end
