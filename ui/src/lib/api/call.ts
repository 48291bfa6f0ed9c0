// How every command is called: through Tauri's invoke, its failure turned into an ApiError.
// The typed wrappers (commands.ts, generated from the Rust commands) call the backend here.
import { invoke } from "@tauri-apps/api/core";

import type { CommandError } from "./bindings/CommandError";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { FieldError } from "./bindings/FieldError";

/** A failed command, as the backend reported it: branch on `code`, show `message`. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldError[];

  constructor(error: CommandError) {
    super(error.message);
    this.name = "ApiError";
    this.code = error.code;
    this.fields = error.fields;
  }

  /** The message for one input field, if the backend named it. */
  field(name: string): string | undefined {
    return this.fields.find((f) => f.field === name)?.message;
  }
}

function isCommandError(value: unknown): value is CommandError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as CommandError).code === "string" &&
    typeof (value as CommandError).message === "string"
  );
}

/** Turns whatever a rejected `invoke` carried into an ApiError. */
export function toApiError(reason: unknown): ApiError {
  if (reason instanceof ApiError) return reason;
  if (isCommandError(reason)) {
    return new ApiError({ ...reason, fields: reason.fields ?? [] });
  }
  const message =
    typeof reason === "string" ? reason : reason instanceof Error ? reason.message : String(reason);
  return new ApiError({ code: "internal", message, fields: [] });
}

export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toApiError(reason);
  }
}
