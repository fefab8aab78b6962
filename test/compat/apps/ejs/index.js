// ejs: templates compiled with new Function, includes from files (renderFile, cache), escaping.
const ejs = require('ejs');
const path = require('path');
const fs = require('fs');
const os = require('os');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ejs-'));
fs.writeFileSync(path.join(dir, 'item.ejs'), '<li><%= item.name %> (<%= item.qty %>)</li>');
fs.writeFileSync(path.join(dir, 'page.ejs'), '<h1><%= title %></h1>\n<ul><% items.forEach(function(item){ %><%- include("item", { item }) %><% }) %></ul>\n<%- raw %>');
ejs.renderFile(path.join(dir, 'page.ejs'), { title: 'A & B <x>', items: [{ name: 'pen', qty: 2 }, { name: 'ink', qty: 0 }], raw: '<b>bold</b>' }, { cache: true }, (err, html) => {
  console.log(err ?? html);
  console.log(ejs.render('<%= a + b %>|<%_ if (a) { _%>yes<%_ } _%>', { a: 1, b: 2 }));
  fs.rmSync(dir, { recursive: true });
});
