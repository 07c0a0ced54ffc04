// A consultation as the operator API answers it (ConsultationView in schemas/openapi.yaml).
import type { Schemas } from '../schema/types.js';
import type { ConsultationRow, MessageRow } from '../store/index.js';

export type ConsultationView = Schemas['ConsultationView'];

export function consultationView(r: ConsultationRow, messages: MessageRow[]): ConsultationView {
  return {
    id: r.id,
    role: r.role,
    partner: r.partner,
    state: r.state,
    dueAt: r.due_at,
    openedAt: r.opened_at,
    position: r.position,
    onTime: r.on_time === null ? null : r.on_time === 1,
    outcome: r.outcome,
    messages: messages.map((m) => ({
      id: m.id,
      type: m.type,
      author: m.author,
      direction: m.direction,
      iat: m.iat,
      message: JSON.parse(m.body) as ConsultationView['messages'][number]['message'],
    })),
  };
}
