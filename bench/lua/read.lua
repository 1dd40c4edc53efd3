-- wrk script for a page: GET it as the signed-in member (the cookie and User-Agent of the
-- sign-in). Every answer other than 200 counts as an error (see common.lua).
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

common.browser_headers()
