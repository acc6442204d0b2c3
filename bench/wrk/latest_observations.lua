-- wrk script: the latest 50 observations of a random patient, ids PATIENT_FIRST..PATIENT_LAST
-- from the environment (a doctor linked to all of them signs the requests).
local first = tonumber(os.getenv("PATIENT_FIRST"))
local last = tonumber(os.getenv("PATIENT_LAST"))
request = function()
  return wrk.format("GET", "/api/v1/patients/" .. math.random(first, last) ..
    "/observations?limit=50")
end
