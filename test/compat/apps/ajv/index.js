// ajv: compiles JSON schemas to JS with new Function (V8 code generation), formats, errors.
const Ajv = require('ajv');
const addFormats = require('ajv-formats');
const ajv = new Ajv({ allErrors: true, useDefaults: true });
addFormats(ajv);
const schema = { type: 'object', required: ['id', 'email'], additionalProperties: false,
  properties: { id: { type: 'integer', minimum: 1 }, email: { type: 'string', format: 'email' }, when: { type: 'string', format: 'date-time' }, n: { type: 'number', default: 5 } } };
const validate = ajv.compile(schema);
const good = { id: 1, email: 'x@y.z', when: '2024-01-02T03:04:05Z' };
console.log(validate(good), good);
console.log(validate({ id: 0, email: 'bad', extra: 1 }), validate.errors.map((e) => `${e.instancePath || '/'} ${e.keyword} ${e.message}`));
const many = Array.from({ length: 2000 }, (_, i) => validate({ id: i + 1, email: `u${i}@x.io` })).filter(Boolean).length;
console.log('validated', many);
