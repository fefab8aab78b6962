// sharp (libvips via @img/sharp-linux-x64: a large native library tree, its own thread pool):
// synthesise an image, resize, convert between formats, read metadata and statistics.
const sharp = require('sharp');
(async () => {
  sharp.concurrency(1);
  const base = sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 40, b: 10 } } });
  const png = await base.clone().png().toBuffer();
  const meta = await sharp(png).metadata();
  console.log('png', meta.format, meta.width, meta.height, meta.channels);
  const small = await sharp(png).resize(16, 12).raw().toBuffer({ resolveWithObject: true });
  console.log('raw', small.info.width, small.info.height, small.info.channels, small.data.length, [...small.data.subarray(0, 3)].join(','));
  const webp = await sharp(png).webp({ lossless: true }).toBuffer();
  console.log('webp', (await sharp(webp).metadata()).format);
  const st = await sharp(png).stats();
  console.log('stats', st.channels.map((c) => Math.round(c.mean)).join(','));
  const grey = await sharp(png).greyscale().raw().toBuffer();
  console.log('grey', grey.length, grey[0]);
})();
