'use strict';
/*
 * The demo page: records the microphone (sent as 16 kHz 16-bit PCM) or takes an audio file
 * (sent as it is), and shows the server's answer: the transcript, the time it took, and plots
 * of the waveform, the MFCC frames and the CTC posteriors. Plain JavaScript, no build step.
 */
const $ = (id) => document.getElementById(id);
const MODEL_RATE = 16000;
let limits = { maxUploadBytes: 10 * 1024 * 1024, maxSeconds: 20 };
let recording = null;

fetch('api/info').then((r) => r.json()).then((info) => {
  limits = info;
  $('limits').textContent = `WAV, MP3, FLAC, Ogg · up to ${megabytes(info.maxUploadBytes)} and ${info.maxSeconds} s`;
}).catch(() => {});

function megabytes(bytes) {
  return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function setState(state, status) {
  document.body.dataset.state = state;
  $('status').textContent = status;
}

function showError(message) {
  $('error').textContent = message;
  $('error').hidden = false;
  setState('error', '');
}

// ---- microphone ----

$('record').addEventListener('click', () => (recording ? stopRecording() : startRecording()));

async function startRecording() {
  $('error').hidden = true;
  if (!navigator.mediaDevices) {
    // browsers offer the microphone only to https pages and to localhost
    showError(`This browser allows the microphone only on https or localhost pages: open the demo at http://localhost:${location.port}/ on the machine that runs it, or upload a file`);
    return;
  }
  let stream;
  try {
    // the model was trained on unprocessed audio: no echo cancellation, noise suppression or gain control
    stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
    const context = new AudioContext();
    await context.audioWorklet.addModule('recorder-worklet.js');
    const recorder = new AudioWorkletNode(context, 'recorder');
    const chunks = [];
    recorder.port.onmessage = (e) => chunks.push(e.data);
    context.createMediaStreamSource(stream).connect(recorder);
    recorder.connect(context.destination); // the processor writes nothing: silence, but it keeps the node running
    recording = { stream, context, chunks, timer: setTimeout(stopRecording, limits.maxSeconds * 1000) };
  } catch (err) {
    if (stream) stream.getTracks().forEach((t) => t.stop());
    showError(`Cannot record from the microphone: ${err.message}`);
    return;
  }
  $('record').textContent = '■ Stop';
  $('record').classList.add('recording');
  setState('recording', `Recording… (up to ${limits.maxSeconds} s; click Stop when done)`);
}

async function stopRecording() {
  const { stream, context, chunks, timer } = recording;
  recording = null;
  clearTimeout(timer);
  stream.getTracks().forEach((t) => t.stop());
  await context.close();
  $('record').textContent = '● Record';
  $('record').classList.remove('recording');
  const samples = await resample(concat(chunks), context.sampleRate, MODEL_RATE);
  await transcribe('api/transcribe-pcm', toPcm16(samples), 'recording');
}

function concat(chunks) {
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The browser's own resampler (an offline audio graph rendered at the target rate). */
async function resample(samples, fromRate, toRate) {
  if (fromRate === toRate || samples.length === 0) return samples;
  const offline = new OfflineAudioContext(1, Math.ceil((samples.length * toRate) / fromRate), toRate);
  const buffer = offline.createBuffer(1, samples.length, fromRate);
  buffer.copyToChannel(samples, 0);
  const source = offline.createBufferSource();
  source.buffer = buffer;
  source.connect(offline.destination);
  source.start();
  return (await offline.startRendering()).getChannelData(0);
}

/** 16-bit little-endian PCM, what the server's PCM endpoint takes. */
function toPcm16(samples) {
  const view = new DataView(new ArrayBuffer(samples.length * 2));
  samples.forEach((v, i) => view.setInt16(2 * i, Math.max(-32768, Math.min(32767, Math.round(v * 32768))), true));
  return view.buffer;
}

// ---- file ----

$('file').addEventListener('change', (e) => {
  if (e.target.files.length > 0) uploadFile(e.target.files[0]);
  e.target.value = '';
});
const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  if (e.dataTransfer.files.length > 0) uploadFile(e.dataTransfer.files[0]);
});

function uploadFile(file) {
  $('error').hidden = true;
  // the server refuses it too, but a browser may report a refused upload as a network error
  if (file.size > limits.maxUploadBytes) {
    showError(`${file.name}: too large: the demo takes uploads up to ${megabytes(limits.maxUploadBytes)}`);
    return;
  }
  transcribe(`api/transcribe?name=${encodeURIComponent(file.name)}`, file, file.name);
}

// ---- server and results ----

async function transcribe(url, body, what) {
  setState('busy', `Transcribing ${what}…`);
  const started = performance.now();
  let response;
  let answer;
  try {
    response = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/octet-stream' } });
    answer = await response.json();
  } catch (err) {
    showError(`The server did not answer: ${err.message}`);
    return;
  }
  if (!response.ok) {
    showError(answer.error || `The server answered ${response.status}`);
    return;
  }
  show(answer, performance.now() - started);
  setState('done', '');
}

function show(a, roundTripMs) {
  $('result').hidden = false;
  $('transcript').textContent = a.transcript || '(no speech found)';
  $('transcript').classList.toggle('empty', !a.transcript);
  const t = a.timing;
  $('timing').textContent = `${a.seconds.toFixed(2)} s of audio, transcribed in ${Math.round(t.totalMs)} ms `
    + `(audio decoding ${Math.round(t.decodeAudioMs)} ms, MFCC ${Math.round(t.featuresMs)} ms, model ${Math.round(t.modelMs)} ms, `
    + `CTC decoding ${Math.round(t.decodeMs)} ms); ${Math.round(roundTripMs)} ms with the upload`;
  plotWaveform(a.waveform);
  plotMfcc(a.mfcc);
  plotPosteriors(a.posteriors);
}

const CONFIG = { displayModeBar: false, responsive: true };
const MARGIN = { l: 60, r: 20, t: 36, b: 40 };
const times = (n, step) => Array.from({ length: n }, (_, i) => i * step);

function plotWaveform(w) {
  const x = times(w.max.length, w.pointSeconds);
  const line = { color: '#2c7be5', width: 1 };
  Plotly.react('waveform', [
    { x, y: w.max, mode: 'lines', line, hoverinfo: 'skip', showlegend: false },
    { x, y: w.min, mode: 'lines', line, fill: 'tonexty', fillcolor: '#2c7be5', hoverinfo: 'skip', showlegend: false },
  ], { title: { text: 'Waveform (16 kHz)' }, margin: MARGIN, xaxis: { title: { text: 'seconds' } }, yaxis: { range: [-1, 1] } }, CONFIG);
}

function plotMfcc(m) {
  Plotly.react('mfcc', [{
    type: 'heatmap', z: m.z, x: times(m.z[0].length, m.frameSeconds), y: m.z.map((_, i) => i + 1), colorscale: 'Viridis', colorbar: { thickness: 12 },
  }], { title: { text: 'MFCC (13 coefficients per 10 ms frame, normalised)' }, margin: MARGIN, xaxis: { title: { text: 'seconds' } }, yaxis: { title: { text: 'coefficient' } } }, CONFIG);
}

/** A class that never gets this probability is left out, so that the legend names the classes in play. */
const SHOWN_POSTERIOR = 0.05;

function plotPosteriors(p) {
  const x = times(p.z[0].length, p.stepSeconds);
  const traces = p.classes.map((name, c) => ({ name, c })).filter(({ c }) => c === 0 || Math.max(...p.z[c]) >= SHOWN_POSTERIOR).map(({ name, c }) => ({
    x, y: p.z[c], name, mode: 'lines',
    ...(c === 0 ? { line: { color: '#aaa', dash: 'dot', width: 1 } } : { line: { width: 2 }, fill: 'tozeroy' }),
  }));
  Plotly.react('posteriors', traces, {
    title: { text: `CTC posteriors per 20 ms step, first model of four (classes under ${SHOWN_POSTERIOR * 100}% throughout left out)` }, margin: MARGIN,
    xaxis: { title: { text: 'seconds' } }, yaxis: { title: { text: 'probability' }, range: [0, 1.02] },
  }, CONFIG);
}
