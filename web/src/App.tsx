// Layout (header, role-based navigation, main landmark) and the route table.
import { lazy, Suspense, useEffect, useRef, useState, type ComponentType, type ReactNode } from 'react';
import { api, type Role } from './api/client';
import { afterSignIn, homeOf, signInFor, useSession } from './auth';
import { badgeText, badgeWords, useUnreadMessages } from './chat/unread';
import { Settled } from './components/settled';
import { Loading } from './components/status';
import { FEATURES } from './features';
import { Link, match, navigate, Redirect, usePath, useSearchParam } from './router';
import { Landing } from './pages/Landing';
import { Claim, ResetPassword, SignIn, SignUp, Verify } from './pages/AuthPages';
import { isChartSection } from './pages/chartSections';

// Signed-in pages (and Chart.js with them) load on first use: the landing and sign-in pages stay
// small. A page's code starts loading as soon as its address is known, beside the session restore,
// rather than after it (`preload`).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function page<P extends Record<string, any>>(load: () => Promise<ComponentType<P>>) {
  const Page = lazy(() => load().then((component) => ({ default: component })));
  return Object.assign(Page, { preload: load });
}
const Dashboard = page(() => import('./pages/Dashboard').then((m) => m.Dashboard));
const RecordPage = page(() => import('./pages/Record').then((m) => m.RecordPage));
const PredictPage = page(() => import('./pages/Predict').then((m) => m.PredictPage));
const SymptomsPage = page(() => import('./pages/Symptoms').then((m) => m.SymptomsPage));
const TestsPage = page(() => import('./pages/Tests').then((m) => m.TestsPage));
const AppointmentsPage = page(() => import('./pages/Appointments').then((m) => m.AppointmentsPage));
const AgendaPage = page(() => import('./pages/Agenda').then((m) => m.AgendaPage));
const AvailabilityPage = page(() => import('./pages/Availability').then((m) => m.AvailabilityPage));
const AccessPage = page(() => import('./pages/Access').then((m) => m.AccessPage));
const DoctorHome = page(() => import('./pages/Doctor').then((m) => m.DoctorHome));
const DoctorPatient = page(() => import('./pages/Doctor').then((m) => m.DoctorPatient));
const DoctorAlerts = page(() => import('./pages/DoctorAlerts').then((m) => m.DoctorAlerts));
const ProfilePage = page(() => import('./pages/Profile').then((m) => m.ProfilePage));
const AdminPage = page(() => import('./pages/Admin').then((m) => m.AdminPage));
const AdminPatient = page(() => import('./pages/AdminPatient').then((m) => m.AdminPatient));
const TestDeskPage = page(() => import('./pages/TestDesk').then((m) => m.TestDeskPage));
const AdminSchedulingPage = page(() => import('./pages/AdminScheduling').then((m) => m.AdminSchedulingPage));
const AccountPage = page(() => import('./pages/Account').then((m) => m.AccountPage));
const TwoStepPage = page(() => import('./pages/TwoStep').then((m) => m.TwoStepPage));
const PharmacyPage = page(() => import('./pages/Pharmacy').then((m) => m.PharmacyPage));
const PharmacyItemPage = page(() => import('./pages/Pharmacy').then((m) => m.PharmacyItemPage));
const CartPage = page(() => import('./pages/PharmacyOrders').then((m) => m.CartPage));
const PharmacyOrdersPage = page(() => import('./pages/PharmacyOrders').then((m) => m.PharmacyOrdersPage));
const AdminPharmacyPage = page(() => import('./pages/AdminPharmacy').then((m) => m.AdminPharmacyPage));
const ModelCard = page(() => import('./pages/ModelCard').then((m) => m.default));
const ChatPage = page(() => import('./pages/Chat').then((m) => m.ChatPage));

/** A link of the navigation; `unread`: the number of unread messages shows beside it. */
interface NavLink {
  to: string;
  label: string;
  unread?: true;
}

const NAV: Record<Role, NavLink[]> = {
  patient: [
    { to: '/dashboard', label: 'Dashboard' },
    { to: '/record', label: 'My record' },
    { to: '/predict', label: 'Risk check' },
    { to: '/symptoms', label: 'Symptoms' },
    { to: '/appointments', label: 'Appointments' },
    { to: '/tests', label: 'Tests' },
    { to: '/pharmacy', label: 'Pharmacy' },
    { to: '/chat', label: 'Messages', unread: true },
    { to: '/access', label: 'Access' },
    ...(FEATURES.clinical ? [{ to: '/profile', label: 'Profile' }] : []),
    { to: '/account', label: 'Account' },
  ],
  doctor: [
    { to: '/doctor', label: 'Patients' },
    { to: '/doctor/agenda', label: 'Agenda' },
    { to: '/doctor/availability', label: 'Availability' },
    ...(FEATURES.monitoring ? [{ to: '/doctor/alerts', label: 'Alerts' }] : []),
    { to: '/chat', label: 'Messages', unread: true },
    { to: '/account', label: 'Account' },
  ],
  admin: [
    { to: '/admin', label: 'Administration' },
    { to: '/admin/scheduling', label: 'Clinics and tests' },
    { to: '/admin/test-desk', label: 'Test desk' },
    { to: '/admin/pharmacy', label: 'Pharmacy' },
    { to: '/account', label: 'Account' },
  ],
};

interface RouteDef {
  path: string;
  role?: Role | Role[] | 'signed_in'; // undefined: public; signed_in: any role
  title: string;
  render: (params: Record<string, string>) => ReactNode;
  /** Starts loading the page's code (lazy pages). */
  preload?: () => Promise<unknown>;
}

const ROUTES: RouteDef[] = [
  { path: '/', title: 'Vitalis', render: () => <Landing /> },
  { path: '/signup', title: 'Create an account', render: () => <SignUp /> },
  { path: '/verify', title: 'Confirm your email', render: () => <Verify /> },
  { path: '/signin', title: 'Sign in', render: () => <SignIn /> },
  { path: '/reset', title: 'Reset your password', render: () => <ResetPassword /> },
  { path: '/claim', title: 'Set up your account', render: () => <Claim /> },
  {
    path: '/models/:name',
    preload: ModelCard.preload,
    title: 'Model card',
    render: (p) => <ModelCard name={p.name} />,
  },
  { path: '/dashboard', preload: Dashboard.preload, role: 'patient', title: 'Dashboard', render: () => <Dashboard /> },
  { path: '/record', preload: RecordPage.preload, role: 'patient', title: 'My record', render: () => <RecordPage /> },
  {
    path: '/predict',
    preload: PredictPage.preload,
    role: 'patient',
    title: 'Risk check',
    render: () => <PredictPage />,
  },
  {
    path: '/symptoms',
    preload: SymptomsPage.preload,
    role: 'patient',
    title: 'Symptoms',
    render: () => <SymptomsPage />,
  },
  {
    path: '/appointments',
    preload: AppointmentsPage.preload,
    role: 'patient',
    title: 'Appointments',
    render: () => <AppointmentsPage />,
  },
  {
    path: '/tests',
    preload: TestsPage.preload,
    role: 'patient',
    title: 'Tests',
    render: () => <TestsPage />,
  },
  {
    path: '/pharmacy',
    preload: PharmacyPage.preload,
    role: 'patient',
    title: 'Pharmacy',
    render: () => <PharmacyPage />,
  },
  {
    path: '/pharmacy/items/:id',
    preload: PharmacyItemPage.preload,
    role: 'patient',
    title: 'Medicine',
    render: (p) => <PharmacyItemPage itemId={Number(p.id)} />,
  },
  {
    path: '/pharmacy/cart',
    preload: CartPage.preload,
    role: 'patient',
    title: 'Your cart',
    render: () => <CartPage />,
  },
  {
    path: '/pharmacy/orders',
    preload: PharmacyOrdersPage.preload,
    role: 'patient',
    title: 'Your pharmacy orders',
    render: () => <PharmacyOrdersPage />,
  },
  ...(FEATURES.clinical
    ? [
        {
          path: '/profile',
          preload: ProfilePage.preload,
          role: 'patient' as Role,
          title: 'My profile',
          render: () => <ProfilePage />,
        },
      ]
    : []),
  {
    path: '/access',
    preload: AccessPage.preload,
    role: 'patient',
    title: 'Access to my record',
    render: () => <AccessPage />,
  },
  { path: '/doctor', preload: DoctorHome.preload, role: 'doctor', title: 'Patients', render: () => <DoctorHome /> },
  {
    path: '/doctor/agenda',
    preload: AgendaPage.preload,
    role: 'doctor',
    title: 'Agenda',
    render: () => <AgendaPage />,
  },
  {
    path: '/doctor/availability',
    preload: AvailabilityPage.preload,
    role: 'doctor',
    title: 'Availability',
    render: () => <AvailabilityPage />,
  },
  {
    path: '/doctor/alerts',
    preload: DoctorAlerts.preload,
    role: 'doctor',
    title: 'Alerts',
    render: () => <DoctorAlerts />,
  },
  {
    path: '/doctor/patients/:id',
    preload: DoctorPatient.preload,
    role: 'doctor',
    title: 'Patient',
    render: (p) => <DoctorPatient patientId={Number(p.id)} />,
  },
  {
    path: '/doctor/patients/:id/:section',
    preload: DoctorPatient.preload,
    role: 'doctor',
    title: 'Patient',
    render: (p) =>
      isChartSection(p.section) ? (
        <DoctorPatient patientId={Number(p.id)} section={p.section} />
      ) : (
        <Redirect to={`/doctor/patients/${p.id}`} />
      ),
  },
  { path: '/admin', preload: AdminPage.preload, role: 'admin', title: 'Administration', render: () => <AdminPage /> },
  {
    path: '/admin/scheduling',
    preload: AdminSchedulingPage.preload,
    role: 'admin',
    title: 'Clinics and tests',
    render: () => <AdminSchedulingPage />,
  },
  {
    path: '/admin/test-desk',
    preload: TestDeskPage.preload,
    role: 'admin',
    title: 'Test desk',
    render: () => <TestDeskPage />,
  },
  {
    path: '/admin/pharmacy',
    preload: AdminPharmacyPage.preload,
    role: 'admin',
    title: 'Pharmacy',
    render: () => <AdminPharmacyPage />,
  },
  {
    path: '/admin/patients/:id',
    preload: AdminPatient.preload,
    role: 'admin',
    title: 'Patient',
    render: (p) => <AdminPatient patientId={Number(p.id)} />,
  },
  {
    path: '/chat',
    preload: ChatPage.preload,
    role: ['patient', 'doctor'],
    title: 'Messages',
    render: () => <ChatPage />,
  },
  {
    path: '/chat/:id',
    preload: ChatPage.preload,
    role: ['patient', 'doctor'],
    title: 'Messages',
    render: (p) => (/^[1-9]\d*$/.test(p.id) ? <ChatPage conversationId={Number(p.id)} /> : <Redirect to="/chat" />),
  },
  {
    path: '/two-step',
    preload: TwoStepPage.preload,
    role: 'signed_in',
    title: 'Two-step sign-in',
    render: () => <TwoStepPage />,
  },
  {
    path: '/account',
    preload: AccountPage.preload,
    role: 'signed_in',
    title: 'My account',
    render: () => <AccountPage />,
  },
];

/** Whether a route of `role` is for an account of `accountRole`. */
function admits(role: RouteDef['role'], accountRole: Role): boolean {
  if (role === undefined || role === 'signed_in') return true;
  return Array.isArray(role) ? role.includes(accountRole) : role === accountRole;
}

/**
 * The unread count beside a link: the number shown ("99+" past 99), nothing at 0. Screen readers
 * hear it in the link's name instead ("Messages, 3 unread"): an aria-label, because the hidden
 * text of .visually-hidden is positioned out of flow, so block-level, and name computation puts a
 * break before it ("Messages , 3 unread", as Playwright computed it). Not a live region: a new
 * count is not announced on every page.
 */
function UnreadCount({ count }: { count: number }) {
  const text = badgeText(count);
  // The space keeps "Messages 3" two words, as the name has them (axe: label in name).
  return text ? (
    <>
      {' '}
      <span className="nav-count" aria-hidden="true">
        {text}
      </span>
    </>
  ) : null;
}

/** `label` with the unread count in words, when there is one. */
function withUnread(label: string, count: number, what = ''): string | undefined {
  return count > 0 ? `${label}, ${badgeWords(count)}${what}` : undefined;
}

export function Header() {
  const { account, ready } = useSession();
  const unread = useUnreadMessages(account);
  const path = usePath();
  // The menu is open on the page where it was opened: it closes when the page changes.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === path;
  const links = account ? NAV[account.role] : [];
  const signOut = async () => {
    await api.signOut();
    navigate('/signin');
  };
  return (
    <header className="site-header">
      <div className="bar">
        <Link to={account ? homeOf(account) : '/'} className="brand">
          Vitalis
        </Link>
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={open}
          aria-controls="site-nav"
          onClick={() => setOpenOn(open ? null : path)}
          aria-label={withUnread('Menu', unread, ' messages')}
        >
          Menu
          {/* Below 900 px the links are behind this button: the count shows on it too. */}
          <UnreadCount count={unread} />
        </button>
        <nav id="site-nav" aria-label="Main" className={open ? 'nav open' : 'nav'}>
          <ul>
            {links.map((link) => (
              <li key={link.to}>
                {link.unread ? (
                  <Link to={link.to} aria-label={withUnread(link.label, unread)}>
                    {link.label}
                    <UnreadCount count={unread} />
                  </Link>
                ) : (
                  <Link to={link.to}>{link.label}</Link>
                )}
              </li>
            ))}
            {account ? (
              <li className="account">
                <span className="who" title={account.email}>
                  {account.full_name} <span className="role">({account.role})</span>
                </span>
                <button type="button" onClick={signOut}>
                  Sign out
                </button>
              </li>
            ) : (
              // Nothing while a session may still be restored: the signed-in links would replace
              // these a moment later.
              ready && (
                <>
                  <li>
                    <Link to="/signin">Sign in</Link>
                  </li>
                  <li>
                    <Link to="/signup">Create an account</Link>
                  </li>
                </>
              )
            )}
          </ul>
        </nav>
      </div>
    </header>
  );
}

export function App() {
  const path = usePath();
  const next = useSearchParam('next');
  const { account, ready, mustSetUpSecondFactor } = useSession();
  const main = useRef<HTMLElement>(null);
  let route: RouteDef | undefined;
  let params: Record<string, string> = {};
  for (const candidate of ROUTES) {
    const found = match(candidate.path, path);
    if (found) {
      route = candidate;
      params = found;
      break;
    }
  }
  // The page's code loads while the session is still being restored.
  useEffect(() => {
    void route?.preload?.();
  }, [route]);
  // After a client-side navigation, move focus to the new content so keyboard and screen-reader
  // users start there (not on the first load: the browser already starts at the top).
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus({ preventScroll: true });
  }, [path]);
  useEffect(() => {
    document.title = route ? (route.path === '/' ? 'Vitalis' : `${route.title} · Vitalis`) : 'Not found · Vitalis';
  }, [route]);

  let content: ReactNode;
  if (!route) {
    content = (
      <section>
        <h1>Page not found</h1>
        <p>
          <Link to="/">Go to the start page</Link>
        </p>
      </section>
    );
  } else if (route.role && !ready) {
    content = <Loading label="Restoring your session…" />;
  } else if (route.role && !account) {
    // Back to this page after signing in (a link in an email, a session that ended).
    content = <Redirect to={signInFor(path)} />;
  } else if (account && mustSetUpSecondFactor === null) {
    content = <Loading label="Checking two-step sign-in…" />;
  } else if (account && mustSetUpSecondFactor && route.path !== '/two-step') {
    // Administrators set up two-step sign-in before anything else (the server insists too).
    content = <Redirect to="/two-step" />;
  } else if (account && !admits(route.role, account.role)) {
    content = <Redirect to={homeOf(account)} />;
  } else if (!route.role && account && ['/signin', '/signup', '/'].includes(route.path)) {
    content = <Redirect to={afterSignIn(account, next)} />;
  } else {
    content = route.render(params);
  }

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main" ref={main} tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Settled key={path}>{content}</Settled>
        </Suspense>
      </main>
      <footer className="site-footer">
        <p>Vitalis gives estimates and records, not diagnoses. In an emergency call your local emergency number.</p>
      </footer>
    </>
  );
}
