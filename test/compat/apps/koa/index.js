// koa: async middleware cascade, ctx.body, status, thrown HTTP errors, raw http client.
const Koa = require('koa');
const http = require('http');
const app = new Koa();
const trail = [];
app.use(async (ctx, next) => { trail.push('a>'); await next(); trail.push('<a'); ctx.set('x-trail', 'yes'); });
app.use(async (ctx, next) => { trail.push('b>'); await next(); trail.push('<b'); });
app.use(async (ctx) => {
  if (ctx.path === '/teapot') ctx.throw(418, 'short and stout');
  ctx.body = { path: ctx.path, method: ctx.method, query: ctx.query };
});
function get(port, path) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (data += d));
      res.on('end', () => resolve(`${res.statusCode} ${res.headers['x-trail'] ?? '-'} ${data}`));
    }).on('error', reject);
  });
}
const server = app.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  console.log(await get(port, '/items?x=1'));
  console.log(await get(port, '/teapot'));
  console.log(trail.join(' '));
  server.close();
});
