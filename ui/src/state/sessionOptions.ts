// What the session options mean for the user, beyond what the controls show.
import type { ModelChoice } from "../generated/desk/ModelChoice";
import type { SessionOptions } from "../generated/desk/SessionOptions";

/** A warning about options that work but deserve a second look, or null. */
export function optionsWarning(options: SessionOptions): string | null {
  if (options.sandbox === "fullAccess" && options.approvals === "never") {
    return "Full access without asking: codex can run any command, with all your rights on this computer, without telling you first.";
  }
  if (options.sandbox === "fullAccess") {
    return "Full access: commands run outside any sandbox, with all your rights on this computer.";
  }
  if (options.approvals === "never" && options.sandbox === "workspaceWrite") {
    return "Never ask: codex changes anything in this folder without telling you first; what the sandbox refuses fails.";
  }
  if (options.sandbox === "readOnly" && options.approvals === "never") {
    return "Read only and never ask: codex can look but not change anything; what it tries to change fails.";
  }
  return null;
}

/**
 * The options with `model` picked: its effort stays if the model supports it, else its default
 * ("none" for a model that does not reason: sent as such, it ends the effort of the last one).
 */
export function withModel(options: SessionOptions, model: ModelChoice): SessionOptions {
  const supported = options.effort !== null && model.efforts.some((e) => e.effort === options.effort);
  return { ...options, model: model.id, effort: supported ? options.effort : model.defaultEffort };
}
