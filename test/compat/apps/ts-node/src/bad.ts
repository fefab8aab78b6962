const n: number = 'not a number';
export default n;
