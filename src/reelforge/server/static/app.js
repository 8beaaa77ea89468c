// reelforge studio. The form is built from the app's own OpenAPI schema (fields, choices, defaults, help,
// bounds) and the server's limits (/health), so it never drifts from VideoRequest. No framework, no build step.

const $ = (selector, root = document) => root.querySelector(selector);

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

// Page layout: which fields go in which section. Fields not named here land in "Fine-tuning".
const SECTIONS = [
  { title: "Script", fields: ["text", "is_custom"] },
  { title: "Look", fields: ["video_type", "style", "camera_movement", "emotion", "character_type"] },
  { title: "Format", fields: ["quality", "aspect", "duration", "seed", "exports"] },
  { title: "Your media", uploads: true },
  { title: "Fine-tuning", collapsed: true },
];
const CHIP_FIELDS = new Set(["video_type", "style", "quality", "aspect"]);
const LABELS = {
  text: "Script or topic", is_custom: "Narrate my words exactly", video_type: "Mode", camera_movement: "Camera",
  character_type: "Character", flow_smoothing: "Optical-flow smoothing", background_image: "Background photo",
  portrait_image: "Portrait photo", narration_audio: "Narration audio", exports: "Also export as",
  music_file: "Music", lut_file: "Colour LUT",
};
const OPTION_LABELS = { webm: "WebM", gif: "GIF" };
const UPLOAD_KINDS = {
  background: { accept: "image/png,image/jpeg,image/webp", hint: "PNG, JPEG or WebP. Replaces the generated scenes." },
  portrait: { accept: "image/png,image/jpeg,image/webp", hint: "A face photo to animate (character modes)." },
  narration: { accept: "audio/*", hint: "WAV, MP3, FLAC, Ogg or M4A. Your own voice-over; the script is its words." },
  music: { accept: "audio/*", hint: "Your own music instead of the generated score, looped or cut." },
  lut: { accept: ".cube", hint: "A .cube 3D LUT, applied after the style." },
};
const STAGES = {
  "": "Waiting in the queue", script: "Writing the script", voice: "Recording the narration",
  frames: "Rendering frames", encode: "Encoding the video", export: "Exporting WebM / GIF", done: "Done",
};
const STATE_LABELS = {
  queued: "Queued", running: "Rendering", succeeded: "Ready", failed: "Failed", cancelled: "Cancelled",
};
const PLACEHOLDERS = {
  topic: "A topic, like “the secret life of octopuses”", script: "The exact words to narrate.",
};
const KEY_STORAGE = "reelforge.apiKey";
const KEY_COOKIE = "reelforge_api_key";
const GALLERY_PAGE = 24;
const GALLERY_MAX = 100; // GET /jobs pages hold at most 100

const state = { fields: [], limits: {}, uploads: {}, job: null, events: null, poll: null, galleryLimit: GALLERY_PAGE };

// ---------------------------------------------------------------- API

class ApiError extends Error {
  constructor(status, detail) {
    const message = typeof detail === "string" ? detail : detail?.message ?? `HTTP ${status}`;
    super(message);
    this.status = status;
    this.field = typeof detail === "object" ? detail?.field : undefined;
  }
}

function apiKey() {
  return localStorage.getItem(KEY_STORAGE) || "";
}

function setApiKey(key) {
  localStorage.setItem(KEY_STORAGE, key);
  // The cookie carries the key on requests the page cannot add headers to: <video>, downloads, EventSource.
  const safe = /^[A-Za-z0-9._~+\/=-]*$/.test(key);
  document.cookie = `${KEY_COOKIE}=${safe ? key : ""}; path=/; SameSite=Strict${safe && key ? "" : "; max-age=0"}`;
}

function authHeaders(headers = {}) {
  const key = apiKey();
  return key ? { ...headers, "X-API-Key": key } : headers;
}

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: authHeaders(options.headers) });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401) needKey();
    throw new ApiError(response.status, body?.detail ?? response.statusText);
  }
  return body;
}

function needKey() {
  const box = $("#api-key-box");
  box.hidden = false;
  box.classList.add("needed");
  $("#api-key").focus();
}

// ---------------------------------------------------------------- the form, from the OpenAPI schema

function humanize(name) {
  const words = name.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function describeFields(openapi) {
  const resolve = (ref) => ref.split("/").slice(1).reduce((node, key) => node[key], openapi);
  const body = openapi.paths["/jobs"].post.requestBody.content["application/json"].schema;
  const model = body.$ref ? resolve(body.$ref) : body;
  return Object.entries(model.properties).map(([name, property]) => {
    const target = property.$ref ? resolve(property.$ref) : property;
    const types = (property.anyOf ?? [property]).map((option) => option.type ?? "");
    const field = {
      name, label: LABELS[name] ?? property.title ?? humanize(name), help: property.description ?? "",
      default: property.default ?? null, required: (model.required ?? []).includes(name), schema: property,
    };
    if (property["x-upload-kind"]) return { ...field, kind: "upload", uploadKind: property["x-upload-kind"] };
    if (target.enum) return { ...field, kind: "enum", options: target.enum };
    const items = property.items?.$ref ? resolve(property.items.$ref) : property.items;
    if (property.type === "array" && items?.enum) return { ...field, kind: "multi", options: items.enum };
    if (property.type === "boolean") return { ...field, kind: "bool" };
    if (types.includes("boolean") && types.includes("null")) return { ...field, kind: "tristate" };
    if (property.type === "number" || property.type === "integer") return { ...field, kind: property.type };
    if (property.type === "string") return { ...field, kind: "text" };
    return { ...field, kind: "server-only" }; // voice_model (a server path) and scenes: CLI, JSON and Python
  });
}

function fieldShell(field, control, { inline = false } = {}) {
  const help = field.help ? el("span", { class: "help" }, field.help) : null;
  if (inline) {
    return el("div", { class: "field", "data-field": field.name },
      el("div", { class: "switch-row" }, el("label", { for: `f-${field.name}` }, field.label), control), help);
  }
  const chips = (field.kind === "enum" && CHIP_FIELDS.has(field.name)) || field.kind === "multi";
  const label = chips ? el("span", { class: "field-label" }, field.label)
    : el("label", { for: `f-${field.name}` }, field.label);
  return el("div", { class: "field", "data-field": field.name }, label, control, help);
}

function chipControl(field) {
  const maxQuality = state.limits.max_quality;
  const chips = field.options.map((option) => {
    const tooLarge = field.name === "quality" && maxQuality
      && field.options.indexOf(option) > field.options.indexOf(maxQuality);
    return el("label", { class: "chip", title: tooLarge ? `This server renders at most "${maxQuality}"` : null },
      el("input", { type: "radio", name: field.name, value: option, checked: option === field.default,
                    disabled: tooLarge }),
      el("span", {}, humanize(option)));
  });
  return el("div", { class: "chips", role: "radiogroup", "aria-label": field.label }, ...chips);
}

function checkboxChips(field) {
  return el("div", { class: "chips", role: "group", "aria-label": field.label },
    ...field.options.map((option) => el("label", { class: "chip" },
      el("input", { type: "checkbox", name: field.name, value: option, checked: field.default?.includes(option) }),
      el("span", {}, OPTION_LABELS[option] ?? humanize(option)))));
}

function selectControl(field) {
  return el("select", { id: `f-${field.name}`, name: field.name },
    ...field.options.map((option) => el("option", { value: option, selected: option === field.default },
                                        humanize(option))));
}

function switchControl(field) {
  return el("span", { class: "switch" },
    el("input", { type: "checkbox", id: `f-${field.name}`, name: field.name, checked: field.default === true }),
    el("span"));
}

function tristateControl(field) {
  return el("select", { id: `f-${field.name}`, name: field.name },
    ...[["", "Auto"], ["true", "On"], ["false", "Off"]].map(([value, label]) => el("option", { value }, label)));
}

function numberControl(field) {
  const schema = field.schema;
  const step = field.kind === "integer" ? 1 : 0.5;
  const attributes = { type: "number", id: `f-${field.name}`, name: field.name, step, value: field.default ?? "",
                       min: schema.minimum, max: schema.maximum };
  if (field.name === "duration" && state.limits.max_duration) {
    attributes.max = Math.min(schema.maximum ?? Infinity, state.limits.max_duration);
  }
  const input = el("input", attributes);
  if (field.name === "seed") {
    const dice = el("button", { type: "button", class: "icon-button", title: "Random seed", "aria-label": "Random seed",
      onclick: () => { input.value = Math.floor(Math.random() * 1_000_000); } }, "⚄");
    return el("div", { class: "seed-row" }, input, dice);
  }
  if (attributes.min !== undefined && attributes.max !== undefined && attributes.max - attributes.min <= 600) {
    const range = el("input", { type: "range", min: attributes.min, max: attributes.max, step, value: input.value,
                                "aria-label": field.label, oninput: () => { input.value = range.value; } });
    input.addEventListener("input", () => { range.value = input.value; });
    return el("div", { class: "range-row" }, range, input);
  }
  return input;
}

function textControl(field) {
  const schema = field.schema;
  const area = el("textarea", { id: `f-${field.name}`, name: field.name, rows: 5, maxlength: schema.maxLength,
                                required: field.required, placeholder: PLACEHOLDERS.topic });
  const count = () => `${area.value.length} / ${schema.maxLength ?? "∞"}`;
  const counter = el("span", { class: "counter" }, count());
  area.addEventListener("input", () => { counter.textContent = count(); });
  return el("div", { class: "field-stack" }, area, counter);
}

function uploadControl(field) {
  const kind = UPLOAD_KINDS[field.uploadKind] ?? { accept: "", hint: "" };
  const limitHint = state.limits.max_upload_mb ? ` Up to ${state.limits.max_upload_mb} MB.` : "";
  const input = el("input", { type: "file", name: field.name, "data-kind": field.uploadKind, accept: kind.accept,
                              "aria-label": field.label });
  const box = el("div", { class: "upload", "data-field": field.name },
    el("span", { class: "upload-title" }, field.label),
    el("span", { class: "upload-hint" }, kind.hint + limitHint),
    el("div", { class: "upload-status" }),
    input);
  input.addEventListener("change", () => input.files[0] && sendUpload(field, box, input.files[0]));
  for (const type of ["dragenter", "dragover"]) box.addEventListener(type, () => box.classList.add("dragging"));
  for (const type of ["dragleave", "drop"]) box.addEventListener(type, () => box.classList.remove("dragging"));
  return box;
}

function buildForm(fields) {
  const container = $("#fields");
  container.replaceChildren();
  const placed = new Set(SECTIONS.flatMap((section) => section.fields ?? []));
  const visible = fields.filter((field) => field.kind !== "server-only");
  for (const section of SECTIONS) {
    const members = section.uploads ? visible.filter((field) => field.kind === "upload")
      : section.fields ? section.fields.map((name) => visible.find((field) => field.name === name)).filter(Boolean)
        : visible.filter((field) => field.kind !== "upload" && !placed.has(field.name));
    if (!members.length) continue;
    const body = section.uploads ? el("div", { class: "uploads" }, ...members.map(uploadControl))
      : el("div", { class: "section-fields" }, ...members.map(fieldWidget));
    const title = el(section.collapsed ? "summary" : "h3", { class: "section-title" }, section.title);
    container.append(section.collapsed
      ? el("details", { class: "section" }, title, el("div", { class: "fields" }, ...body.children))
      : el("section", { class: "section" }, title, ...(section.uploads ? [body] : body.children)));
  }
  const text = $("#f-text");
  const custom = $("#f-is_custom");
  if (text && custom) {
    const placeholder = () => {
      text.placeholder = custom.checked ? PLACEHOLDERS.script : PLACEHOLDERS.topic;
    };
    custom.addEventListener("change", placeholder);
    placeholder();
  }
}

function fieldWidget(field) {
  switch (field.kind) {
    case "enum": return fieldShell(field, CHIP_FIELDS.has(field.name) ? chipControl(field) : selectControl(field));
    case "multi": return fieldShell(field, checkboxChips(field));
    case "bool": return fieldShell(field, switchControl(field), { inline: true });
    case "tristate": return fieldShell(field, tristateControl(field));
    case "number": case "integer": return fieldShell(field, numberControl(field));
    default: return fieldShell(field, textControl(field));
  }
}

function collectRequest() {
  const form = $("#create");
  const body = {};
  for (const field of state.fields) {
    if (field.kind === "upload") {
      if (state.uploads[field.name]) body[field.name] = state.uploads[field.name];
      continue;
    }
    if (field.kind === "multi") {
      const checked = [...form.querySelectorAll(`input[name="${field.name}"]:checked`)].map((box) => box.value);
      if (checked.length) body[field.name] = checked; // none checked: the default (nothing extra)
      continue;
    }
    const control = form.elements[field.name];
    if (!control) continue;
    if (field.kind === "bool") body[field.name] = control.checked;
    else if (field.kind === "tristate") { if (control.value) body[field.name] = control.value === "true"; }
    else if (field.kind === "number" || field.kind === "integer") {
      if (control.value !== "") body[field.name] = Number(control.value);
    } else if (control.value !== "" && control.value !== undefined) body[field.name] = control.value;
    // a field left at its default is not sent: the server applies the same default, and an emotion left
    // at its default is detected from the narration in character modes
    if (!field.required && body[field.name] === field.default) delete body[field.name];
  }
  return body;
}

// ---------------------------------------------------------------- uploads

function sendUpload(field, box, file) {
  const status = $(".upload-status", box);
  box.classList.remove("failed", "ready");
  delete state.uploads[field.name];
  const bar = el("div");
  status.replaceChildren(el("div", { class: "upload-bar" }, bar),
                         el("span", { class: "upload-hint" }, `Uploading ${file.name}…`));

  const data = new FormData();
  data.append("kind", field.uploadKind);
  data.append("file", file);
  const request = new XMLHttpRequest();
  request.open("POST", "/uploads");
  for (const [name, value] of Object.entries(authHeaders())) request.setRequestHeader(name, value);
  request.responseType = "json";
  request.upload.onprogress = (event) => {
    if (event.lengthComputable) bar.style.width = `${(100 * event.loaded) / event.total}%`;
  };
  request.onload = () => {
    if (request.status === 201) return uploadReady(field, box, file, request.response);
    if (request.status === 401) needKey();
    const detail = request.response?.detail;
    uploadFailed(box, new ApiError(request.status, detail ?? `Upload failed (HTTP ${request.status})`).message);
  };
  request.onerror = () => {
    const mb = state.limits.max_upload_mb;
    const limit = mb ? ` This server accepts files up to ${mb} MB.` : "";
    uploadFailed(box, `The upload was cut off by the server.${limit}`);
  };
  request.send(data);
}

function uploadReady(field, box, file, upload) {
  state.uploads[field.name] = upload.id;
  box.classList.add("ready");
  const size = `${(upload.size / 1e6).toFixed(upload.size < 1e6 ? 2 : 1)} MB`;
  const what = upload.duration != null ? `${upload.duration.toFixed(1)} s ${upload.format.toUpperCase()}`
    : `${upload.width}×${upload.height} ${upload.format.toUpperCase()}`;
  const preview = upload.width ? el("img", { class: "upload-preview", src: URL.createObjectURL(file), alt: "" }) : null;
  const remove = el("button", { type: "button", class: "upload-remove", title: "Remove", "aria-label": "Remove",
    onclick: (event) => {
      event.preventDefault();
      delete state.uploads[field.name];
      box.classList.remove("ready");
      $(".upload-status", box).replaceChildren();
      remove.remove();
      $("input[type=file]", box).value = "";
    } }, "✕");
  const info = el("span", { class: "upload-info" }, `✓ ${what} · ${size}`);
  $(".upload-status", box).replaceChildren(...(preview ? [preview, info] : [info]));
  box.append(remove);
}

function uploadFailed(box, message) {
  box.classList.add("failed");
  $(".upload-status", box).replaceChildren(el("span", { class: "upload-error", role: "alert" }, message));
  $("input[type=file]", box).value = "";
}

// ---------------------------------------------------------------- submitting and following a job

function clearErrors() {
  $("#form-error").hidden = true;
  for (const node of document.querySelectorAll(".field.invalid")) node.classList.remove("invalid");
  for (const node of document.querySelectorAll(".field-error")) node.remove();
}

function showFormError(error) {
  const banner = $("#form-error");
  banner.textContent = error.message;
  banner.hidden = false;
  const field = error.field && document.querySelector(`.field[data-field="${CSS.escape(error.field)}"]`);
  if (field) {
    field.classList.add("invalid");
    field.append(el("span", { class: "field-error" }, error.message));
    const details = field.closest("details");
    if (details) details.open = true;
  }
  (field ?? banner).scrollIntoView({ block: "center", behavior: "smooth" });
}

// A render (POST /jobs) or a preview (POST /previews: a low-resolution draft and a storyboard) of the form.
async function submit(kind) {
  clearErrors();
  const button = kind === "preview" ? $("#preview") : $("#render");
  const label = $("span", button).textContent;
  $("#preview").disabled = $("#render").disabled = true;
  $("span", button).textContent = "Submitting…";
  try {
    const job = await api(kind === "preview" ? "/previews" : "/jobs", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(collectRequest()) });
    follow(job);
    refreshGallery();
  } catch (error) {
    showFormError(error);
  } finally {
    $("#preview").disabled = $("#render").disabled = false;
    $("span", button).textContent = label;
  }
}

function isActive(job) {
  return job.state === "queued" || job.state === "running";
}

function stageLabel(job) {
  return STAGES[job.stage] ?? humanize(job.stage);
}

function stopFollowing() {
  state.events?.close();
  clearInterval(state.poll);
  state.events = state.poll = null;
}

function follow(job) {
  stopFollowing();
  state.job = job;
  $("#job-error").hidden = true;
  $("#downloads").hidden = true;
  $("#script-box").hidden = true;
  $("#storyboard-box").hidden = true;
  const making = job.kind === "preview" ? "Drafting your preview…" : "Rendering your video…";
  if (job.state !== "succeeded") resetPlayer(isActive(job) ? making : "No video for this job.");
  showJob(job);
  if (isActive(job)) {
    const events = new EventSource(`/jobs/${job.id}/events`);
    state.events = events;
    events.addEventListener("progress", (message) => showJob(JSON.parse(message.data)));
    events.addEventListener("end", (message) => {
      stopFollowing();
      showJob(JSON.parse(message.data));
      refreshGallery();
    });
    events.onerror = () => {
      if (events.readyState !== EventSource.CLOSED) return; // the browser reconnects by itself
      stopFollowing();
      state.poll = setInterval(() => pollJob(job.id), 1000); // no SSE here: poll instead
    };
  }
}

async function pollJob(jobId) {
  try {
    const job = await api(`/jobs/${jobId}`);
    showJob(job);
    if (!isActive(job)) {
      stopFollowing();
      refreshGallery();
    }
  } catch (error) {
    stopFollowing();
    showJobError(error.message);
  }
}

function showJob(job) {
  if (state.job?.id !== job.id) return;
  state.job = job;
  const active = isActive(job);
  const status = $("#job-status");
  status.hidden = false;
  status.dataset.state = job.state;
  const percent = Math.round(job.progress * 100);
  $("#progress").setAttribute("aria-valuenow", String(percent));
  $(".progress-fill").style.width = `${percent}%`;
  $("#percent").textContent = `${percent}%`;
  $("#stage").textContent = active ? stageLabel(job) : STATE_LABELS[job.state];
  $("#cancel").hidden = !active;
  const seconds = job.timings ? Object.values(job.timings).reduce((sum, value) => sum + value, 0) : null;
  const emotion = job.emotion && job.emotion_reason !== "requested" ? ` · emotion: ${job.emotion} (detected)` : "";
  const made = job.kind === "preview" ? "Preview made" : "Rendered";
  $("#job-meta").textContent = job.state === "succeeded" && seconds != null
    ? `${made} in ${seconds.toFixed(1)} s${emotion}` : `Job ${job.id.slice(0, 8)}`;
  $("#job-meta").title = job.emotion_reason ?? "";
  const warnings = job.state === "succeeded" ? job.warnings ?? [] : [];
  $("#job-warnings").hidden = warnings.length === 0;
  $("#job-warnings").textContent = warnings.map((warning) => `Note: ${warning}`).join("\n");
  for (const card of document.querySelectorAll(".card")) card.classList.toggle("current", card.dataset.id === job.id);
  if (job.state === "succeeded") showVideo(job);
  else if (job.state === "failed") showJobError(job.error ?? "The render failed.");
  else if (job.state === "cancelled") showJobError("Cancelled.");
}

function showJobError(message) {
  const banner = $("#job-error");
  banner.textContent = message;
  banner.hidden = false;
}

function showVideo(job) {
  const player = $("#player");
  if (player.dataset.jobId !== job.id) {
    player.dataset.jobId = job.id;
    player.poster = job.poster_url ?? "";
    player.src = job.video_url;
    player.hidden = false;
    $("#empty-state").hidden = true;
  }
  const storyboard = $("#storyboard");
  if (job.storyboard_url && storyboard.getAttribute("src") !== job.storyboard_url) {
    storyboard.src = $("#storyboard-link").href = job.storyboard_url;
  }
  $("#storyboard-box").hidden = !job.storyboard_url;
  $("#download-mp4").textContent = job.kind === "preview" ? "Draft MP4" : "MP4";
  const links = { "download-mp4": job.video_url, "download-webm": job.exports?.webm, "download-gif": job.exports?.gif,
                  "download-srt": job.subtitles?.srt, "download-vtt": job.subtitles?.vtt,
                  "download-poster": job.poster_url, "download-storyboard": job.storyboard_url };
  for (const [id, url] of Object.entries(links)) {
    const link = $(`#${id}`);
    link.hidden = !url;
    if (url) link.href = url;
  }
  $("#downloads").hidden = false;
  if (job.script) {
    $("#script").textContent = job.script;
    $("#script-box").hidden = false;
  }
}

function resetPlayer(message) {
  const player = $("#player");
  player.pause();
  player.removeAttribute("src");
  player.removeAttribute("poster");
  player.dataset.jobId = "";
  player.hidden = true;
  $("p", $("#empty-state")).textContent = message;
  $("#empty-hint").hidden = true;
  $("#empty-state").hidden = false;
}

function fitScreen() {
  const player = $("#player");
  const { videoWidth: width, videoHeight: height } = player;
  if (!width || !height) return;
  $("#screen").dataset.aspect = width > height ? "16:9" : width === height ? "1:1" : "9:16";
}

async function cancelJob() {
  if (!state.job) return;
  try {
    showJob(await api(`/jobs/${state.job.id}`, { method: "DELETE" }));
  } catch (error) {
    showJobError(error.message);
  }
}

// ---------------------------------------------------------------- gallery of past jobs

function timeAgo(epochSeconds) {
  const seconds = Math.max(0, Date.now() / 1000 - epochSeconds);
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(epochSeconds * 1000).toLocaleDateString();
}

function galleryCard(job) {
  const active = isActive(job);
  const progress = el("div", { style: `width:${Math.round(job.progress * 100)}%` });
  const picture = job.poster_url ?? job.storyboard_url;
  const thumb = el("div", { class: "thumb" },
    picture ? el("img", { src: picture, alt: "", loading: "lazy" })
      : el("span", { class: "thumb-icon" }, active ? stageLabel(job) : STATE_LABELS[job.state]),
    el("span", { class: "badge", "data-state": job.state }, STATE_LABELS[job.state] ?? job.state),
    job.kind === "preview" ? el("span", { class: "kind-tag" }, "Preview") : null,
    active ? el("div", { class: "card-progress" }, progress) : null);
  const text = job.script ?? (job.state === "failed" ? job.error : "Rendering…");
  return el("article", { class: `card${state.job?.id === job.id ? " current" : ""}`, "data-id": job.id,
                         "data-state": job.state, "data-kind": job.kind, tabindex: 0, title: text ?? "",
                         onclick: () => { follow(job); window.scrollTo({ top: 0, behavior: "smooth" }); } },
    thumb,
    el("div", { class: "card-body" }, el("span", { class: "card-text" }, text ?? ""),
       el("span", { class: "card-meta" }, timeAgo(job.created))));
}

let galleryTimer = null;

async function refreshGallery() {
  clearTimeout(galleryTimer);
  let page;
  try {
    page = await api(`/jobs?limit=${state.galleryLimit}`);
  } catch (error) {
    $("#library-count").textContent = error.status === 401 ? "Enter the API key to see your videos." : error.message;
    return;
  }
  $("#gallery").replaceChildren(...page.jobs.map(galleryCard));
  $("#gallery-empty").hidden = page.total > 0;
  $("#library-count").textContent = page.total ? `${page.total} video${page.total === 1 ? "" : "s"}` : "";
  $("#more").hidden = page.total <= page.jobs.length || state.galleryLimit >= GALLERY_MAX;
  if (page.jobs.some(isActive)) {
    galleryTimer = setTimeout(refreshGallery, 3000);
  }
}

// ---------------------------------------------------------------- start

async function start() {
  const status = $("#server-status");
  let health;
  try {
    const [openapi, healthResponse] = await Promise.all([
      fetch("/openapi.json").then((response) => response.json()), fetch("/health").then((response) => response.json()),
    ]);
    health = healthResponse;
    state.limits = health.limits ?? {};
    state.fields = describeFields(openapi);
  } catch (error) {
    status.dataset.state = "down";
    status.textContent = "Server unreachable";
    $("#fields").replaceChildren(el("p", { class: "banner error" }, `Could not load the form: ${error.message}`));
    return;
  }
  status.dataset.state = "ok";
  status.textContent = `Ready · ${health.workers} worker${health.workers === 1 ? "" : "s"}`;
  const keyInput = $("#api-key");
  keyInput.value = apiKey();
  if (health.api_key_required) $("#api-key-box").hidden = false;
  if (apiKey()) setApiKey(apiKey());
  const applyKey = (event) => {
    event.preventDefault();
    setApiKey(keyInput.value.trim());
    $("#api-key-box").classList.remove("needed");
    refreshGallery();
  };
  keyInput.addEventListener("change", applyKey);
  $("#api-key-box").addEventListener("submit", applyKey);
  buildForm(state.fields);
  $("#render").disabled = $("#preview").disabled = false;
  $("#create").addEventListener("submit", (event) => { event.preventDefault(); submit("render"); });
  $("#preview").addEventListener("click", () => submit("preview"));
  $("#cancel").addEventListener("click", cancelJob);
  $("#player").addEventListener("loadedmetadata", fitScreen);
  $("#more").addEventListener("click", () => {
    state.galleryLimit = Math.min(GALLERY_MAX, state.galleryLimit + GALLERY_PAGE);
    refreshGallery();
  });
  if (health.api_key_required && !apiKey()) needKey();
  else refreshGallery();
}

start();
