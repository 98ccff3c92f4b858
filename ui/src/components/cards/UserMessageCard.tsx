import { Card } from "./Card";

export function UserMessageCard({ id, text }: { id: string; text: string }) {
  return (
    <Card kind="userMessage" itemId={id} label="Your message">
      <div className="user-text">{text}</div>
    </Card>
  );
}
