import { Suspense } from 'react';
import { LoginForm } from '@/components/auth/login-form';
import { Providers } from '@/components/providers';

export default function LoginPage() {
  return (
    <div className="flex min-h-full items-center justify-center bg-board px-4">
      <div className="w-full max-w-sm rounded-lg bg-white p-6 shadow-xl">
        <h1 className="mb-1 text-xl font-semibold">jetvm</h1>
        <p className="mb-6 text-sm text-slate-500">PCIe passthrough for the Jetson AGX Orin</p>
        <Suspense>
          <Providers>
            <LoginForm />
          </Providers>
        </Suspense>
      </div>
    </div>
  );
}
