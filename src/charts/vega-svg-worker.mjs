/**
 * Renders vega-lite specs to SVG, in a worker thread. vega 6 and vega-lite 6 are ES modules with
 * top-level await (vega-canvas), which neither CommonJS `require` (our compiled TypeScript) nor
 * jest's module loader can load; a worker runs plain Node, where a real `import()` works, so the
 * same renderer serves production, `npm start` and the tests. It also keeps chart layout off the
 * web process's event loop.
 *
 * Protocol: { id, spec } in → { id, svg } or { id, error } out.
 */
import { parentPort } from 'node:worker_threads';

const [vegaLite, vega] = await Promise.all([import('vega-lite'), import('vega')]);

parentPort.on('message', async ({ id, spec }) => {
  let view = null;
  try {
    const compiled = vegaLite.compile(spec).spec;
    view = new vega.View(vega.parse(compiled), { renderer: 'none' });
    const svg = await view.toSVG();
    parentPort.postMessage({ id, svg });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  } finally {
    view?.finalize();
  }
});
