// zod: schemas, parsing, coercion, transforms, refinements, discriminated unions, errors.
const { z } = require('zod');
const User = z.object({ id: z.coerce.number().int().positive(), email: z.string().email(), tags: z.array(z.string()).default([]), role: z.enum(['admin', 'user']) });
console.log(User.parse({ id: '42', email: 'a@b.co', role: 'admin' }));
const r = User.safeParse({ id: -1, email: 'nope', role: 'root' });
console.log(r.success, r.error.issues.map((i) => `${i.path.join('.')}:${i.code}`).join(' '));
const Shape = z.discriminatedUnion('kind', [z.object({ kind: z.literal('circle'), r: z.number() }), z.object({ kind: z.literal('sq'), s: z.number() })]);
console.log(Shape.parse({ kind: 'sq', s: 2 }));
const Pw = z.string().min(8).refine((s) => /\d/.test(s), 'needs a digit').transform((s) => s.length);
console.log(Pw.safeParse('abcdefgh').error.issues[0].message, Pw.parse('abcdefg1'));
