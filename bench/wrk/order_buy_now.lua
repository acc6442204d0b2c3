-- wrk script (bench/pharmacy.py): places "buy now" orders of one unit. ORDER_PAIRS is a file of
-- "token item_id" lines (a patient's access token and an item with ample stock); wrk thread t of
-- ORDER_THREADS takes the pairs t, t + ORDER_THREADS, ... and sends them in turn.
local started = 0
function setup(thread)
  thread:set("index", started)
  started = started + 1
end

local mine, counter = {}, 0
function init(args)
  local step = tonumber(os.getenv("ORDER_THREADS"))
  local n = 0
  for line in io.lines(os.getenv("ORDER_PAIRS")) do
    if n % step == index then
      local token, item = line:match("(%S+) (%d+)")
      table.insert(mine, { token = token, item = item })
    end
    n = n + 1
  end
end

function request()
  local pair = mine[counter % #mine + 1]
  counter = counter + 1
  return wrk.format("POST", "/api/v1/pharmacy/orders",
    { ["Authorization"] = "Bearer " .. pair.token, ["Content-Type"] = "application/json" },
    '{"items":[{"item_id":' .. pair.item .. ',"quantity":1}]}')
end
