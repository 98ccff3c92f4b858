import { Card } from "./Card";

export function UserMessageCard({ id, text, images = 0 }: { id: string; text: string; images?: number }) {
  return (
    <Card kind="userMessage" itemId={id} label="Your message">
      {text && <div className="user-text">{text}</div>}
      {images > 0 && <div className="user-images small muted">{images === 1 ? "1 image" : `${images} images`} attached</div>}
    </Card>
  );
}
