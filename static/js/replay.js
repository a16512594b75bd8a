// The engine's step trace replayed as data: what each step reveals on the
// graph, and exactly what undoing it restores. No maths happens here; every
// number is read from the engine's steps.
//
// The view at position k (0 <= k <= steps.length) is what steps 0..k-1 have
// revealed: node values, node gradients (a running sum while contributions
// arrive), how many of its contributions each node has received, and each
// edge's own contribution (upstream x local).

export class Replay {
  constructor(result) {
    this.result = result;
    this.steps = result.steps;
    this.nodes = result.nodes;
    this.forwardCount = this.steps.filter((s) => s.phase === "forward").length;
    this.backwardCount = this.steps.filter((s) => s.phase === "backward").length;
    // Nodes that receive a gradient: those the engine gives one.
    this.gradNodes = this.nodes.filter((n) => n.grad !== null).map((n) => n.id);
    // How many contributions each node's gradient is the sum of (the engine's count).
    this.contributions = new Map();
    for (const step of this.steps) {
      if (step.kind === "edge") this.contributions.set(step.source, step.contributions);
    }
    // For each backward edge step, the operand's running sum before it (for undo
    // and for the panel's "running sum" line): the previous step's sum, or 0.
    const last = new Map();
    this.before = this.steps.map((step) => {
      if (step.kind !== "edge") return null;
      const previous = last.has(step.source) ? last.get(step.source) : 0;
      last.set(step.source, step.grad);
      return previous;
    });
  }

  get length() {
    return this.steps.length;
  }

  phaseAt(k) {
    if (k === 0) return "start";
    return this.steps[k - 1].phase;
  }

  // Where position k is, for the timeline: [the phase, "step k of n" within it].
  where(k) {
    const n = this.length;
    const forward = this.forwardCount;
    const backward = this.backwardCount;
    const phase = this.phaseAt(k);
    if (k === 0) return ["start", `${n} steps`];
    if (phase === "forward") return ["forward", `step ${k} of ${forward}`];
    if (phase === "backward") return ["backward", `step ${k - forward} of ${backward}`];
    return ["update", `step ${k - forward - backward} of ${n - forward - backward}`];
  }

  // Where the backward pass begins, as a share of the steps (marked on the scrubber).
  get split() {
    return this.length ? this.forwardCount / this.length : 0;
  }

  // A fresh view with nothing revealed but the constants (known before any step).
  emptyView() {
    const view = { values: new Map(), grads: new Map(), edgeGrads: new Map(), arrived: new Map() };
    for (const node of this.nodes) {
      if (node.kind === "const") view.values.set(node.id, node.value);
    }
    // Parameters are known before the forward pass starts (they are what training changes).
    for (const step of this.steps) {
      if (step.phase === "update") view.values.set(step.node, step.value);
    }
    return view;
  }

  // Apply step i to the view; return the ids it touched so the renderer updates only those.
  apply(view, i) {
    const step = this.steps[i];
    const touched = { nodes: [], edges: [] };
    if (step.phase === "forward") {
      view.values.set(step.node, step.value);
      touched.nodes.push(step.node);
    } else if (step.phase === "update") {
      // w ← w − η·∂L/∂w: the parameter shows its new value.
      view.values.set(step.node, step.new_value);
      touched.nodes.push(step.node);
    } else if (step.kind === "seed") {
      // Every gradient starts at 0 (the output's at 1), so accumulation is seen.
      for (const id of this.gradNodes) view.grads.set(id, 0);
      view.grads.set(step.node, step.grad);
      touched.nodes.push(...this.gradNodes, step.node);
      touched.output = true;
    } else {
      view.grads.set(step.source, step.grad);
      view.arrived.set(step.source, step.contribution);
      view.edgeGrads.set(step.edge, step.product);
      touched.nodes.push(step.source);
      touched.edges.push(step.edge);
    }
    return touched;
  }

  // Whether node id's gradient in the view is its whole gradient, not a sum still growing.
  complete(view, id) {
    return (view.arrived.get(id) ?? 0) >= (this.contributions.get(id) ?? 0);
  }

  // Undo step i, the exact inverse of apply(view, i).
  undo(view, i) {
    const step = this.steps[i];
    const touched = { nodes: [], edges: [] };
    if (step.phase === "forward") {
      view.values.delete(step.node);
      touched.nodes.push(step.node);
    } else if (step.phase === "update") {
      view.values.set(step.node, step.value);
      touched.nodes.push(step.node);
    } else if (step.kind === "seed") {
      for (const id of this.gradNodes) view.grads.delete(id);
      view.grads.delete(step.node);
      touched.nodes.push(...this.gradNodes, step.node);
      touched.output = true;
    } else {
      view.grads.set(step.source, this.before[i]);
      view.arrived.set(step.source, step.contribution - 1);
      view.edgeGrads.delete(step.edge);
      touched.nodes.push(step.source);
      touched.edges.push(step.edge);
    }
    return touched;
  }

  // The view after the first k steps, built from scratch (for jumps).
  viewAt(k) {
    const view = this.emptyView();
    for (let i = 0; i < k; i += 1) this.apply(view, i);
    return view;
  }
}
