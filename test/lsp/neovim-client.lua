-- Neovim (0.7+) as a real second LSP client: attach the Flowguard server to the workflow given on the command line,
-- collect diagnostics, apply the preferred quick-fix for template-injection and collect diagnostics again.
-- Driven by test/lsp/neovim.test.ts through FG_CMD (JSON argv), FG_ROOT and FG_OUT.
local result = { before = {}, after = {}, action = vim.NIL }
local buf = vim.api.nvim_get_current_buf()
local id = vim.lsp.start_client({ name = 'flowguard', cmd = vim.fn.json_decode(os.getenv('FG_CMD')), root_dir = os.getenv('FG_ROOT') })
vim.lsp.buf_attach_client(buf, id)

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end
local function injections()
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if code_of(d) == 'template-injection' then table.insert(out, d) end
  end
  return out
end

vim.wait(20000, function() return #injections() > 0 end, 50)
for _, d in ipairs(vim.diagnostic.get(buf)) do
  table.insert(result.before, { code = code_of(d), source = d.source, line = d.lnum, col = d.col })
end

local target = injections()[1]
if target then
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = target.lnum, character = target.col }, ['end'] = { line = target.end_lnum, character = target.end_col } },
    context = { diagnostics = {} },
  }
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 10000) or {}
  for _, r in pairs(responses) do
    for _, a in ipairs(r.result or {}) do
      if a.kind == 'quickfix' and a.isPreferred and result.action == vim.NIL then result.action = a.title; vim.lsp.util.apply_workspace_edit(a.edit, 'utf-16') end
    end
  end
  local count = #injections()
  vim.wait(20000, function() return #injections() < count end, 50)
end
for _, d in ipairs(vim.diagnostic.get(buf)) do
  table.insert(result.after, { code = code_of(d), source = d.source, line = d.lnum, col = d.col })
end
result.text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
vim.fn.writefile({ vim.fn.json_encode(result) }, os.getenv('FG_OUT'))
vim.lsp.stop_client(id)
vim.cmd('qa!')
