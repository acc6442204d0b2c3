import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CancelWithReason } from './confirm';

describe('CancelWithReason', () => {
  it('asks why before cancelling and refuses an empty reason beside its field', async () => {
    const cancel = vi.fn(async () => undefined);
    render(<CancelWithReason what="booking" hint="The place goes to someone else." cancel={cancel} />);
    await userEvent.click(screen.getByRole('button', { name: 'Cancel this booking' }));
    await userEvent.click(screen.getByRole('button', { name: 'Cancel the booking' }));
    expect(cancel).not.toHaveBeenCalled();
    const reason = screen.getByLabelText('Why are you cancelling?');
    expect(reason.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toBe('Say why you are cancelling.');

    await userEvent.type(reason, '  Away that week ');
    await userEvent.click(screen.getByRole('button', { name: 'Cancel the booking' }));
    expect(cancel).toHaveBeenCalledWith('Away that week');
    expect(screen.getByRole('button', { name: 'Cancel this booking' })).toBeTruthy(); // closed again
  });

  it('keeps each item’s error to itself', async () => {
    const cancel = vi.fn(async () => undefined);
    render(
      <>
        <CancelWithReason what="appointment" hint="" cancel={cancel} />
        <CancelWithReason what="appointment" hint="" cancel={cancel} />
      </>,
    );
    const [first, second] = screen.getAllByRole('button', { name: 'Cancel this appointment' });
    await userEvent.click(first);
    await userEvent.click(second);
    await userEvent.click(screen.getAllByRole('button', { name: 'Cancel the appointment' })[0]);
    expect(screen.getAllByRole('alert')).toHaveLength(1);
  });
});
