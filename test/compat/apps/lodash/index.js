// lodash: collections, deep clone/merge, debounce/throttle with real timers, templates.
const _ = require('lodash');
const users = [{ n: 'fred', age: 48, team: 'a' }, { n: 'barney', age: 36, team: 'b' }, { n: 'pebbles', age: 1, team: 'a' }];
console.log(_.groupBy(users, 'team'), _.sortBy(users, ['age']).map((u) => u.n), _.sumBy(users, 'age'));
console.log(_.merge({ a: { b: 1, c: [1] } }, { a: { d: 2, c: [undefined, 2] } }), _.isEqual(_.cloneDeep(users), users));
console.log(_.chunk(_.range(10), 3), _.uniqBy([2.1, 1.2, 2.3], Math.floor), _.kebabCase('Foo Bar_baz'));
console.log(_.template('hello <%= user %>! <% _.forEach(list, function(x) { %><li><%- x %></li><% }); %>')({ user: 'u', list: ['<a>', 'b'] }));
let calls = 0;
const d = _.debounce(() => { calls++; }, 50);
for (let i = 0; i < 10; i++) d();
setTimeout(() => console.log('debounced calls', calls), 200);
