-- Headless Neovim 0.7 as a second LSP client of dist/server.js --stdio.
-- Env: PRL_SERVER (path of dist/server.js), PRL_OUT (result file). Opens the file given
-- on the command line, waits for diagnostics, requests a hover, writes a JSON report.
local server = os.getenv('PRL_SERVER')
local out = os.getenv('PRL_OUT')
local function finish(tbl, code)
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(tbl))
  f:close()
  vim.cmd(code == 0 and 'qall!' or 'cquit 1')
end

local ok, err = pcall(function()
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'c'
  local client_id = vim.lsp.start_client({
    name = 'port-range-lens',
    cmd = { 'node', server, '--stdio' },
    root_dir = vim.fn.getcwd(),
    -- Neovim 0.7 does not advertise workspace/configuration: settings go in init_options.
    init_options = { portRangeLens = { netnsRange = '32768-60999', kernel = '6.8' } },
  })
  if not client_id then return finish({ error = 'start_client failed' }, 1) end
  vim.lsp.buf_attach_client(bufnr, client_id)
  local got = vim.wait(10000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
  local diags = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(diags, { code = d.code, lnum = d.lnum, message = d.message, severity = d.severity,
      href = d.user_data and d.user_data.lsp and d.user_data.lsp.codeDescription and d.user_data.lsp.codeDescription.href or vim.NIL })
  end
  local hover = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = 4, character = 12 },
  }, 5000)
  local value = vim.NIL
  if hover then
    for _, r in pairs(hover) do
      if r.result and r.result.contents then value = r.result.contents.value end
    end
  end
  finish({ waited = got, diagnostics = diags, hover = value }, 0)
end)
if not ok then finish({ error = tostring(err) }, 1) end
