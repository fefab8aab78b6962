// dayjs: parsing, formatting, arithmetic, UTC and timezone plugins (Intl with full ICU).
const dayjs = require('dayjs');
dayjs.extend(require('dayjs/plugin/utc'));
dayjs.extend(require('dayjs/plugin/timezone'));
dayjs.extend(require('dayjs/plugin/relativeTime'));
dayjs.extend(require('dayjs/plugin/customParseFormat'));
const d = dayjs.utc('2024-02-28T23:30:00Z');
console.log(d.add(1, 'day').format('YYYY-MM-DD dddd'), d.add(1, 'month').toISOString(), d.startOf('week').format());
console.log(d.tz('America/New_York').format('YYYY-MM-DD HH:mm Z'), d.tz('Asia/Kolkata').format('HH:mm Z'));
console.log(dayjs('31/12/2023', 'DD/MM/YYYY').format('MMM D, YYYY'), d.from(d.add(3, 'hour')), d.diff(dayjs.utc('2024-01-01'), 'day'));
console.log(dayjs().isAfter('2020-01-01'), dayjs.utc(0).valueOf(), new Intl.DateTimeFormat('de-DE', { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(0)));
