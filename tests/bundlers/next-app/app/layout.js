export const metadata = { title: 'wasm-eventsource installed from its tarball, in a Next.js build' };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
