// handlebars: compile, helpers, partials, block helpers, escaping, precompile.
const Handlebars = require('handlebars');
Handlebars.registerHelper('upper', (s) => String(s).toUpperCase());
Handlebars.registerHelper('list', function (items, options) { return `<ul>${items.map((i) => `<li>${options.fn(i)}</li>`).join('')}</ul>`; });
Handlebars.registerPartial('person', '{{upper name}} ({{age}})');
const t = Handlebars.compile('Hello {{name}}! {{#list people}}{{> person}}{{/list}} {{{raw}}} {{esc}} {{#if flag}}on{{else}}off{{/if}}');
console.log(t({ name: 'World', people: [{ name: 'ann', age: 3 }, { name: 'bob', age: 5 }], raw: '<i>r</i>', esc: '<e>', flag: false }));
const spec = Handlebars.precompile('{{#each xs}}{{@index}}={{this}};{{/each}}');
console.log(typeof spec, spec.length > 100);
console.log(Handlebars.template(eval(`(${spec})`))({ xs: ['a', 'b', 'c'] }));
